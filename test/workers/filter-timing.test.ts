import { afterEach, describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

const CONFIG = `
_format_version: "3.0"
services:
  - name: auth
    url: $UPSTREAM
  - name: app
    url: $UPSTREAM
    routes:
      - name: protected
        paths: ["/protected"]
        filter_chains:
          - filters:
              - name: callout-auth
                config: kong
              - name: greeting
                config: '{"my_greeting": "hi"}'
      - name: fragile
        paths: ["/fragile"]
        filter_chains: [{ filters: [{ name: trap-when-asked }, { name: greeting, config: '{"my_greeting": "hi"}' }] }]
      - name: forgiving
        paths: ["/forgiving"]
        filter_chains: [{ filters: [{ name: trap-when-asked, failure_policy: fail_open }, { name: greeting, config: '{"my_greeting": "hi"}' }] }]
`;

type Line = { request_id: string; filters: { name: string; ms: number; outcome: string }[] };
const accessLines = (logs: string[]) => logs.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Line);

describe("per-filter time and outcome in the access log", () => {
  it("gives each filter of the chain its time and how it took part, in chain order", async () => {
    const gateway = gatewayFor(CONFIG, { PROXY_WASM_ACCESS_LOG: "request_id,filters" });
    // The callout waits 300 ms at the upstream while the filter holds the request paused.
    const slow = await gateway.fetch("/protected/x", { headers: { "x-slow": "1" } });
    expect(slow.status).toBe(200);
    const denied = await gateway.fetch("/protected/x", { headers: { "x-deny": "1" } });
    expect(denied.status).toBe(403);
    const [slowLine, deniedLine] = accessLines(gateway.logs);
    expect(slowLine.request_id).toBe(slow.headers.get("x-kong-request-id"));
    expect(slowLine.filters).toEqual([
      { name: "callout-auth", ms: expect.any(Number), outcome: "paused" },
      { name: "greeting", ms: expect.any(Number), outcome: "continue" },
    ]);
    expect(slowLine.filters[0].ms).toBeGreaterThanOrEqual(250);
    expect(slowLine.filters[1].ms).toBeLessThan(250);
    expect(deniedLine.filters.map((filter) => filter.outcome)).toEqual(["local_response", "continue"]);
  });

  it("names a filter that failed, closed or open", async () => {
    const gateway = gatewayFor(CONFIG, { PROXY_WASM_ACCESS_LOG: "filters,status" });
    expect((await gateway.fetch("/fragile", { headers: { "x-trap": "1" } })).status).toBe(500);
    expect((await gateway.fetch("/forgiving", { headers: { "x-trap": "1" } })).status).toBe(200);
    const [fragile, forgiving] = accessLines(gateway.logs);
    expect(fragile.filters.map((filter) => [filter.name, filter.outcome])).toEqual([
      ["trap-when-asked", "failed"],
      ["greeting", "not_run"],
    ]);
    expect(forgiving.filters.map((filter) => [filter.name, filter.outcome])).toEqual([
      ["trap-when-asked", "failed_open"],
      ["greeting", "continue"],
    ]);
  });
});

describe("the Server-Timing header", () => {
  it("is off unless set", async () => {
    const response = await gatewayFor(CONFIG).fetch("/protected/x");
    expect(response.status).toBe(200);
    expect(response.headers.get("server-timing")).toBeNull();
  });

  it("gives each filter's time and outcome when PROXY_WASM_SERVER_TIMING is on", async () => {
    const gateway = gatewayFor(CONFIG, { PROXY_WASM_SERVER_TIMING: "on" });
    const response = await gateway.fetch("/protected/x", { headers: { "x-slow": "1" } });
    expect(response.status).toBe(200);
    const metrics = response.headers.get("server-timing")!.split(", ");
    expect(metrics).toHaveLength(2);
    expect(metrics[0]).toMatch(/^callout-auth;dur=\d+(\.\d+)?;desc="paused"$/);
    expect(Number(/dur=([\d.]+)/.exec(metrics[0])![1])).toBeGreaterThanOrEqual(250);
    expect(metrics[1]).toMatch(/^greeting;dur=\d+(\.\d+)?;desc="continue"$/);
    const denied = await gateway.fetch("/protected/x", { headers: { "x-deny": "1" } });
    expect(denied.headers.get("server-timing")).toMatch(/^callout-auth;dur=[\d.]+;desc="local_response", greeting;/);
  });

  it("is left out for a request no filter was planned for", async () => {
    const response = await gatewayFor(CONFIG, { PROXY_WASM_SERVER_TIMING: "on" }).fetch("/nowhere");
    expect(response.status).toBe(404);
    expect(response.headers.get("server-timing")).toBeNull();
  });
});

describe("with the access log and Server-Timing off", () => {
  const original = performance.now;
  afterEach(() => {
    performance.now = original;
  });

  it("the chain reads no clock per callback", async () => {
    const gateway = gatewayFor(CONFIG);
    await gateway.fetch("/protected/warm-up");
    let reads = 0;
    performance.now = function countedNow(this: Performance) {
      reads++;
      return original.call(this);
    };
    const response = await gateway.fetch("/protected/x");
    expect(response.status).toBe(200);
    expect(reads).toBe(0);
    const timed = gatewayFor(CONFIG, { PROXY_WASM_SERVER_TIMING: "on" });
    await timed.fetch("/protected/x");
    expect(reads).toBeGreaterThan(0);
  });
});
