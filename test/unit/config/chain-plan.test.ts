import { describe, expect, it } from "vitest";
import { planChain } from "../../../config/chain-plan.ts";
import { load, yaml } from "./helpers.ts";

const config = load(yaml(
  '_format_version: "3.0"',
  "services:",
  "  - name: s",
  "    url: http://a.internal",
  "    filter_chains:",
  "      - filters:",
  "          - { name: add_header, config: s1 }",
  "          - { name: add_header, config: s-off, enabled: false }",
  "          - { name: add_header, config: s2 }",
  "    routes:",
  "      - name: with-chain",
  "        paths: [/a]",
  "        filter_chains:",
  "          - filters:",
  "              - { name: add_header, config: r1 }",
  "              - { name: add_header, config: r2 }",
  "      - name: disabled-chain",
  "        paths: [/b]",
  "        filter_chains:",
  "          - enabled: false",
  "            filters: [{ name: add_header, config: never }]",
  "      - name: no-chain",
  "        paths: [/c]",
  "  - name: bare",
  "    url: http://b.internal",
  "    routes:",
  "      - name: nothing",
  "        paths: [/d]",
  "routes:",
  "  - name: serviceless",
  "    paths: [/e]",
  "    filter_chains:",
  "      - filters: [{ name: add_header, config: only-route }]",
));

const plan = (index: number) => planChain(config, index).map((p) => `${p.from}:${p.filter.config}`);

describe("planChain", () => {
  it("runs the service chain first, then the route chain, in declared order, without disabled filters", () => {
    expect(plan(0)).toEqual(["service:s1", "service:s2", "route:r1", "route:r2"]);
  });

  it("drops a disabled chain entirely", () => {
    expect(plan(1)).toEqual(["service:s1", "service:s2"]);
  });

  it("uses the service chain alone when the route has none", () => {
    expect(plan(2)).toEqual(["service:s1", "service:s2"]);
  });

  it("is empty when neither the service nor the route has a chain", () => {
    expect(plan(3)).toEqual([]);
  });

  it("uses the route chain alone for a route without a service", () => {
    expect(plan(4)).toEqual(["route:only-route"]);
  });

  it("refuses an index that is not a route", () => {
    expect(() => planChain(config, 99)).toThrow(RangeError);
  });
});
