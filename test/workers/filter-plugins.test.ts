import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

// Each *-add-header filter appends its SDK's name to the response's `x-sdk`, so the header
// spells the order in which the filters ran.
describe("filters configured as plugins (Kong 3.9)", () => {
  it("run after their entity's chain, sorted by name: the service's, then the route's", async () => {
    const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    filter_chains: [{ filters: [{ name: rust-sdk-add-header }] }]
    plugins:
      - name: go-sdk-add-header
      - name: cpp-sdk-add-header
    routes:
      - name: all
        paths: ["/"]
        filter_chains: [{ filters: [{ name: tinygo-sdk-add-header }] }]
plugins:
  - name: v010-add-header
    route: all
    protocols: [http, https]
  - name: greeting
    route: all
    enabled: false
    config: '{"my_greeting": "disabled"}'
`);
    const response = await gateway.fetch("/anything");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-sdk")).toBe("rust, cpp, go, tinygo, v010");
    expect(response.headers.get("x-greeting")).toBeNull();
  });

  it("run on an entity without a filter chain, and with a disabled one", async () => {
    const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    routes:
      - name: plain
        paths: ["/plain"]
        plugins: [{ name: greeting, config: '{"my_greeting": "plugin"}' }]
      - name: off
        paths: ["/off"]
        filter_chains: [{ enabled: false, filters: [{ name: rust-sdk-add-header }] }]
        plugins: [{ name: go-sdk-add-header }]
`);
    expect((await gateway.fetch("/plain")).headers.get("x-greeting")).toBe("plugin");
    expect((await gateway.fetch("/off")).headers.get("x-sdk")).toBe("go");
  });
});
