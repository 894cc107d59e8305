import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

/**
 * Modules that reproduce the start-up sequence, import sets and host-call patterns of the SDKs
 * we cannot build offline (test/fixtures/guests/*.wat). Each traps on any status its SDK would
 * panic on, and adds `x-sdk: <sdk>` to the response.
 */
const SDKS = [
  ["rust-sdk-add-header", "rust"],
  ["go-sdk-add-header", "go"],
  ["tinygo-sdk-add-header", "tinygo"],
  ["cpp-sdk-add-header", "cpp"],
  ["v010-add-header", "v010"],
] as const;

const config = SDKS.map(
  ([filter]) => `
      - name: ${filter}
        paths: ["/${filter}"]
        filter_chains: [{ filters: [{ name: ${filter}, config: "x" }] }]`,
).join("");

describe("filters built with other SDKs", () => {
  const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    routes:${config}
`);

  for (const [filter, sdk] of SDKS) {
    it(`a ${sdk} filter that adds a response header works unchanged, request after request`, async () => {
      for (let i = 0; i < 3; i++) {
        const response = await gateway.fetch(`/${filter}`);
        expect(response.status).toBe(200);
        expect(response.headers.get("x-sdk")).toBe(sdk);
      }
      expect(gateway.logs.filter((line) => line.includes("[error]") || line.includes("[critical]"))).toEqual([]);
    });
  }

  it("a chain of all of them adds every header, in chain order", async () => {
    const chain = gatewayFor(`
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    filter_chains: [{ filters: [{ name: rust-sdk-add-header }, { name: go-sdk-add-header }] }]
    routes:
      - name: all
        paths: ["/"]
        filter_chains: [{ filters: [{ name: tinygo-sdk-add-header }, { name: cpp-sdk-add-header }, { name: v010-add-header }, { name: greeting, config: '{"my_greeting": "all"}' }] }]
`);
    const response = await chain.fetch("/anything");
    expect(response.headers.get("x-sdk")).toBe("rust, go, tinygo, cpp, v010");
    expect(response.headers.get("x-greeting")).toBe("all");
  });
});
