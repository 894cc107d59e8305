import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

const ANNOUNCEMENT = `
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    routes:
      - name: demo-route
        paths: ["/"]
        filter_chains:
          - filters:
              - name: greeting
                config: '{"my_greeting": "Hello from Kong using WebAssembly!"}'
`;

describe("the greeting filter of Kong's 3.4 announcement", () => {
  it("adds X-Greeting from its JSON config to the upstream's response", async () => {
    const gateway = gatewayFor(ANNOUNCEMENT);
    const response = await gateway.fetch("/anything?x=1", { headers: { "x-client": "yes" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-greeting")).toBe("Hello from Kong using WebAssembly!");
    const echo = (await response.json()) as { path: string; query: Record<string, string>; headers: Record<string, string> };
    expect(echo.path).toBe("/anything");
    expect(echo.query).toEqual({ x: "1" });
    expect(echo.headers["x-client"]).toBe("yes");
    expect(gateway.logs.filter((line) => /\[(error|critical|warn)\]/.test(line))).toEqual([]);
  });

  it("answers with Kong's proxy headers", async () => {
    const response = await gatewayFor(ANNOUNCEMENT).fetch("/anything");
    expect(response.headers.get("via")).toMatch(/^1\.1 proxy-wasm-workers\//);
    expect(Number(response.headers.get("x-kong-upstream-latency"))).toBeGreaterThanOrEqual(0);
    expect(Number(response.headers.get("x-kong-proxy-latency"))).toBeGreaterThanOrEqual(0);
    expect(response.headers.get("x-kong-request-id")).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers.get("x-echo-upstream")).toBe("1");
  });

  it("uses the greeting of each chain's own config", async () => {
    const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    routes:
      - name: english
        paths: ["/en"]
        filter_chains:
          - filters: [{ name: greeting, config: '{"my_greeting": "Hello"}' }]
      - name: french
        paths: ["/fr"]
        filter_chains:
          - filters: [{ name: greeting, config: '{"my_greeting": "Bonjour"}' }]
`);
    expect((await gateway.fetch("/en")).headers.get("x-greeting")).toBe("Hello");
    expect((await gateway.fetch("/fr")).headers.get("x-greeting")).toBe("Bonjour");
  });

  it("leaves a route without a chain alone", async () => {
    const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    routes:
      - { name: plain, paths: ["/plain"] }
      - name: greeted
        paths: ["/greeted"]
        filter_chains: [{ filters: [{ name: greeting, config: '{"my_greeting": "hi"}' }] }]
`);
    expect((await gateway.fetch("/plain")).headers.get("x-greeting")).toBeNull();
    expect((await gateway.fetch("/greeted")).headers.get("x-greeting")).toBe("hi");
  });

  it("logs at the plugin's own log level", async () => {
    const quiet = gatewayFor(ANNOUNCEMENT.replace("- name: greeting", "- name: greeting\n                log_level: warn"));
    await quiet.fetch("/anything");
    expect(quiet.logs.filter((line) => line.includes("filter greeting"))).toEqual([]);
    const chatty = gatewayFor(ANNOUNCEMENT);
    await chatty.fetch("/anything");
    expect(chatty.logs.some((line) => line.includes("[info] filter greeting"))).toBe(true);
  });

  it("skips a disabled filter", async () => {
    const gateway = gatewayFor(ANNOUNCEMENT.replace("- name: greeting", "- name: greeting\n                enabled: false"));
    expect((await gateway.fetch("/anything")).headers.get("x-greeting")).toBeNull();
  });
});

describe("routing", () => {
  it("answers Kong's 404 body when no route matches", async () => {
    const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM
    routes: [{ name: only, paths: ["/only"] }]
`);
    const response = await gateway.fetch("/elsewhere");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
    const body = (await response.json()) as { message: string; request_id: string };
    expect(body.message).toBe("no Route matched with those values");
    expect(body.request_id).toBe(response.headers.get("x-kong-request-id"));
  });

  it("joins the service path and strips the route's prefix", async () => {
    const gateway = gatewayFor(`
_format_version: "3.0"
services:
  - name: demo
    url: $UPSTREAM/base
    routes:
      - { name: stripped, paths: ["/api"], strip_path: true }
      - { name: kept, paths: ["/keep"], strip_path: false }
`);
    expect(((await (await gateway.fetch("/api/users?id=7")).json()) as { url: string }).url).toBe("/base/users?id=7");
    expect(((await (await gateway.fetch("/keep/users")).json()) as { url: string }).url).toBe("/base/keep/users");
  });
});
