import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

const CONFIG = `
_format_version: "3.0"
services:
  - name: echo
    url: $UPSTREAM
    routes:
      - name: greeted
        paths: ["/greeted"]
        filter_chains:
          - filters:
              - name: greeting
                config: '{"my_greeting": "hi"}'
`;

interface Echo {
  headers: Record<string, string>;
}

const accessLines = (logs: string[]) => logs.filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as Record<string, any>);

describe("the access log", () => {
  it("writes one JSON line per request with its request id, route, service, filters, statuses and Kong's latencies", async () => {
    const gateway = gatewayFor(CONFIG, { PROXY_WASM_ACCESS_LOG: "on" });
    const response = await gateway.fetch("/greeted/x?q=1", { headers: { "cf-connecting-ip": "203.0.113.9" } });
    expect(response.status).toBe(200);
    const missing = await gateway.fetch("/nowhere");
    expect(missing.status).toBe(404);
    const lines = accessLines(gateway.logs);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      request_id: response.headers.get("x-kong-request-id"),
      client_ip: "203.0.113.9",
      method: "GET",
      path: "/greeted/x?q=1",
      route: "greeted",
      service: "echo",
      filters: [{ name: "greeting", ms: expect.any(Number), outcome: "continue" }],
      status: 200,
      upstream_status: 200,
      latencies: { request: expect.any(Number), kong: expect.any(Number), proxy: expect.any(Number) },
    });
    expect(lines[0].trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(lines[1]).toMatchObject({ request_id: missing.headers.get("x-kong-request-id"), route: null, status: 404, upstream_status: null });
  });

  it("is off unless set", async () => {
    const gateway = gatewayFor(CONFIG);
    await gateway.fetch("/greeted");
    expect(accessLines(gateway.logs)).toEqual([]);
  });

  it("picks fields, or is off", async () => {
    const picked = gatewayFor(CONFIG, { PROXY_WASM_ACCESS_LOG: "request_id,status" });
    const response = await picked.fetch("/greeted");
    expect(accessLines(picked.logs)).toEqual([{ request_id: response.headers.get("x-kong-request-id"), status: 200 }]);
    const off = gatewayFor(CONFIG, { PROXY_WASM_ACCESS_LOG: "off" });
    await off.fetch("/greeted");
    expect(accessLines(off.logs)).toEqual([]);
  });
});

describe("trace context", () => {
  it("continues the client's trace to the upstream with the gateway's own span, and logs its id", async () => {
    const gateway = gatewayFor(CONFIG, { PROXY_WASM_ACCESS_LOG: "trace_id" });
    const incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const echo = (await (await gateway.fetch("/greeted", { headers: { traceparent: incoming, tracestate: "vendor=1" } })).json()) as Echo;
    expect(echo.headers.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(echo.headers.traceparent).not.toBe(incoming);
    expect(echo.headers.tracestate).toBe("vendor=1");
    expect(accessLines(gateway.logs)).toEqual([{ trace_id: "4bf92f3577b34da6a3ce929d0e0e4736" }]);
  });

  it("starts a new trace when the request has none or a malformed one", async () => {
    const gateway = gatewayFor(CONFIG);
    const cases: Record<string, string>[] = [{}, { traceparent: "00-00000000000000000000000000000000-00f067aa0ba902b7-01" }, { traceparent: "garbage" }];
    for (const headers of cases) {
      const echo = (await (await gateway.fetch("/greeted", { headers })).json()) as Echo;
      expect(echo.headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      expect(echo.headers.traceparent.slice(3, 35)).not.toBe("0".repeat(32));
    }
  });
});
