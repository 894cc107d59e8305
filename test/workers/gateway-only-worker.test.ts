import { describe, expect, it } from "vitest";
import { createGatewayOnlyWorker } from "../../worker/gateway-only-worker.ts";
import { gatewayFor } from "./support/gateway.ts";

const CONFIG = `
_format_version: "3.0"
services:
  - name: app
    url: $UPSTREAM
    routes:
      - name: greeted
        paths: ["/"]
        filter_chains: [{ filters: [{ name: greeting, config: '{"my_greeting": "without admin"}' }] }]
`;

describe("a gateway built without the admin API", () => {
  it("proxies through its filters like the full worker", async () => {
    const gateway = gatewayFor(CONFIG, {}, createGatewayOnlyWorker);
    const response = await gateway.fetch("/anything");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-greeting")).toBe("without admin");
    expect(((await response.json()) as { path: string }).path).toBe("/anything");
  });

  it("has no admin API even with a token: the admin path is proxied like any other", async () => {
    const gateway = gatewayFor(CONFIG, { ADMIN_TOKEN: "secret" }, createGatewayOnlyWorker);
    const response = await gateway.fetch("/_admin/status", { headers: { authorization: "Bearer secret" } });
    expect(response.headers.get("x-greeting")).toBe("without admin");
    expect(((await response.json()) as { path: string }).path).toBe("/_admin/status");
  });

  it("honours the log level binding", async () => {
    const configured = (logs: string[]) => logs.filter((line) => line.includes("responses get X-Greeting"));
    const chatty = gatewayFor(CONFIG, {}, createGatewayOnlyWorker);
    await chatty.fetch("/x");
    expect(configured(chatty.logs)).toHaveLength(1);
    const quiet = gatewayFor(CONFIG, { PROXY_WASM_LOG_LEVEL: "warn" }, createGatewayOnlyWorker);
    await quiet.fetch("/x");
    expect(configured(quiet.logs)).toEqual([]);
  });

  it("starts its plugins from the cron entry", async () => {
    const gateway = gatewayFor(CONFIG, {}, createGatewayOnlyWorker);
    await gateway.scheduled();
    expect((await gateway.fetch("/x")).status).toBe(200);
    // The plugin was configured by the cron entry, before this request: no configure log now.
    expect(gateway.logs.filter((line) => line.includes("responses get X-Greeting"))).toEqual([]);
  });
});
