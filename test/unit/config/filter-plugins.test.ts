import { describe, expect, it } from "vitest";
import { planChain } from "../../../config/chain-plan.ts";
import { expectIssues, load, yaml } from "./helpers.ts";

const HEADER = '_format_version: "3.0"';
const SERVICE = ["services:", "  - name: s", "    url: http://a.internal", "    routes:", "      - name: r", '        paths: ["/"]'];

describe("filters configured as plugins", () => {
  it("attach nested and top-level plugins to their entity, by name or id, in Kong 3.10's order", () => {
    const config = load(
      yaml(
        HEADER,
        ...SERVICE,
        "        plugins:",
        "          - name: greeting",
        "            config: route-nested",
        "    plugins:",
        "      - name: greeting",
        "        config: service-nested",
        "plugins:",
        "  - name: add_header",
        "    route: r",
        "    config: by-name",
        "  - name: as_filter",
        "    route: { name: r }",
        "  - name: rate_limit",
        "    service: s",
        "    config: { limit: 1 }",
        "    created_at: 1700000000",
        "    updated_at: 1700000001",
        "    tags: [from-deck]",
      ),
    );
    expect(config.services[0].filterPlugins.map((p) => [p.filter.name, p.filter.config])).toEqual([
      ["greeting", "service-nested"],
      ["rate_limit", '{"limit":1}'],
    ]);
    expect(config.routes[0].filterPlugins.map((p) => [p.filter.name, p.filter.config])).toEqual([
      ["add_header", "by-name"],
      ["as_filter", null],
      ["greeting", "route-nested"],
    ]);
    // The meta defaults of a filter apply to its plugins too.
    expect(config.routes[0].filterPlugins[1].filter.rootId).toBe("as_root");
    expect(planChain(config, 0).map((p) => `${p.from}:${p.filter.name}`)).toEqual([
      "service:greeting",
      "service:rate_limit",
      "route:add_header",
      "route:as_filter",
      "route:greeting",
    ]);
  });

  it("run after the entity's chain, and leave disabled plugins out of the plan", () => {
    const config = load(
      yaml(
        HEADER,
        ...SERVICE,
        "        filter_chains: [{ filters: [{ name: rate_limit }] }]",
        "        plugins: [{ name: add_header, enabled: false }, { name: greeting }]",
      ),
    );
    expect(planChain(config, 0).map((p) => p.filter.name)).toEqual(["rate_limit", "greeting"]);
    expect(new Set(planChain(config, 0).map((p) => p.key)).size).toBe(2);
  });

  it("keep their ids stable between loads", () => {
    const text = yaml(HEADER, ...SERVICE, "        plugins: [{ name: greeting }]");
    expect(load(text).routes[0].filterPlugins[0].id).toBe(load(text).routes[0].filterPlugins[0].id);
  });

  it("are validated as Kong validates filter plugins, with path and line", () => {
    expectIssues(
      yaml(
        HEADER,
        ...SERVICE,
        "plugins:",
        "  - name: greeting",
        "    service: s",
        "    route: r",
        "  - name: greeting",
        "  - name: add_header",
        "    route: r",
        "    consumer: alice",
        "    protocols: [grpc]",
        "  - name: rate_limit",
        "    route: nowhere",
        "    config: { limit: 1 }",
        "  - name: as_filter",
        "    service: s",
        "    config: { not: a string }",
      ),
      [
        [9, "plugins[0]", "only one or none of these fields must be set: 'service', 'route'"],
        [12, "plugins[1]", "at least one of these fields must be non-empty: 'service', 'route'"],
        [15, "plugins[2].consumer", "value must be null"],
        [16, "plugins[2].protocols[0]", "expected one of: http, https"],
        [18, "plugins[3].route", "invalid reference 'route: nowhere' (no such entry in 'routes')"],
        [22, "plugins[4].config", "wrong type: expected one of string, null, got object"],
      ],
    );
  });

  it("allow one plugin of a name per entity, as Kong does", () => {
    expectIssues(yaml(HEADER, ...SERVICE, "        plugins: [{ name: greeting }, { name: greeting }]"), [
      [8, "services[0].routes[0].plugins[1]", 'unique constraint violation: route "r" already has a plugin named \'greeting\''],
    ]);
  });
});
