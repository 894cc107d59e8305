import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

type Echo = { path: string; headers: Record<string, string> };

function config(mode: string, extraRoute = "") {
  return `
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
                config: "${mode}"
              - name: greeting
                config: '{"my_greeting": "after auth"}'
${extraRoute}`;
}

describe("a filter that authenticates with a callout", () => {
  it("lets the request through once the callout allows it, resuming by itself (Kong)", async () => {
    const gateway = gatewayFor(config("kong"));
    const response = await gateway.fetch("/protected/data");
    expect(response.status).toBe(200);
    const echo = (await response.json()) as Echo;
    expect(echo.path).toBe("/data");
    expect(echo.headers["x-auth"]).toBe("allowed");
    expect(response.headers.get("x-greeting")).toBe("after auth");
  });

  it("resumes when the filter calls proxy_continue_stream itself (Envoy)", async () => {
    const response = await gatewayFor(config("explicit")).fetch("/protected/data");
    expect(response.status).toBe(200);
    expect(((await response.json()) as Echo).headers["x-auth"]).toBe("allowed");
  });

  it("answers the filter's local 403 when the callout denies, and later filters still see the response", async () => {
    const response = await gatewayFor(config("kong")).fetch("/protected/data", { headers: { "x-deny": "1" } });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("denied by auth service");
    expect(response.headers.get("x-denied-by")).toBe("callout");
    expect(response.headers.get("content-type")).toBe("text/plain");
    expect(response.headers.get("x-greeting")).toBe("after auth");
  });

  it("waits for two outstanding callouts before resuming", async () => {
    const response = await gatewayFor(config("two")).fetch("/protected/data");
    expect(response.status).toBe(200);
    expect(((await response.json()) as Echo).headers["x-callout"]).toBe("done, done");
  });

  it("cannot reach a target that is neither a service nor an allowed host", async () => {
    const response = await gatewayFor(config("nowhere")).fetch("/protected/data");
    expect(response.status).toBe(500);
    expect(await response.text()).toBe("nowhere refused");
  });

  it("keeps concurrent requests with interleaved callouts apart", async () => {
    const gateway = gatewayFor(config("kong"));
    const requests = Array.from({ length: 12 }, (_, i) => {
      const headers: Record<string, string> = { "x-request": String(i) };
      if (i % 3 === 0) headers["x-slow"] = "1";
      else if (i % 4 === 1) headers["x-deny"] = "1";
      return gateway.fetch(`/protected/${i}`, { headers }).then(async (response) => ({ i, response, body: await response.text() }));
    });
    for (const { i, response, body } of await Promise.all(requests)) {
      if (i % 3 !== 0 && i % 4 === 1) {
        expect(response.status).toBe(403);
        continue;
      }
      expect(response.status).toBe(200);
      const echo = JSON.parse(body) as Echo;
      expect(echo.path).toBe(`/${i}`);
      expect(echo.headers["x-request"]).toBe(String(i));
      expect(echo.headers["x-auth"]).toBe("allowed");
    }
  });
});

describe("a paused chain", () => {
  it("times out with a clear 504 instead of hanging", async () => {
    const gateway = gatewayFor(config("pause"), { PROXY_WASM_PAUSE_TIMEOUT_MS: "200" });
    const started = Date.now();
    const response = await gateway.fetch("/protected/data");
    expect(response.status).toBe(504);
    expect(((await response.json()) as { message: string }).message).toBe("A filter paused the request and did not resume it in time");
    expect(Date.now() - started).toBeLessThan(5000);
    expect(gateway.logs.join("\n")).toMatch(/filter "callout-auth" paused the request and did not resume it within 200 ms/);
  });

  it("times out while a slow callout is still running", async () => {
    const gateway = gatewayFor(config("kong"), { PROXY_WASM_PAUSE_TIMEOUT_MS: "100" });
    const response = await gateway.fetch("/protected/data", { headers: { "x-slow": "1" } });
    expect(response.status).toBe(504);
    // The callout (300 ms) finishes inside the test: cut off by the test's end, workerd would
    // report its connection as lost (an uncaught-exception line in the test output).
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(gateway.logs.join("\n")).not.toMatch(/callout .* failed/);
  });
});

describe("trace context on callouts", () => {
  /** The traceparent and tracestate of each request the worker sends, by path (a spy on the real fetch). */
  async function traced(gateway: ReturnType<typeof gatewayFor>, path: string, headers: Record<string, string> = {}) {
    const original = globalThis.fetch;
    const sent: { path: string; traceparent: string | null; tracestate: string | null }[] = [];
    globalThis.fetch = function spiedFetch(input: RequestInfo | URL, init?: RequestInit) {
      const request = new Request(input, init);
      sent.push({ path: new URL(request.url).pathname, traceparent: request.headers.get("traceparent"), tracestate: request.headers.get("tracestate") });
      return original(input, init);
    } as typeof fetch;
    try {
      const response = await gateway.fetch(path, { headers });
      expect(response.status).toBe(200);
    } finally {
      globalThis.fetch = original;
    }
    return { callout: sent.find((s) => s.path.startsWith("/status/"))!, upstream: sent.find((s) => s.path === "/data")! };
  }

  it("carries the request's trace with a span of its own, and its tracestate", async () => {
    const incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const { callout, upstream } = await traced(gatewayFor(config("kong")), "/protected/data", { traceparent: incoming, tracestate: "vendor=1" });
    expect(callout.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    expect(upstream.traceparent).toMatch(/^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/);
    const span = (traceparent: string | null) => traceparent!.slice(36, 52);
    expect(new Set([span(incoming), span(callout.traceparent), span(upstream.traceparent)]).size).toBe(3);
    expect(callout.tracestate).toBe("vendor=1");
  });

  it("carries the trace the gateway started when the request had none", async () => {
    const { callout, upstream } = await traced(gatewayFor(config("kong")), "/protected/data");
    expect(callout.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(callout.traceparent!.slice(3, 35)).toBe(upstream.traceparent!.slice(3, 35));
    expect(callout.tracestate).toBeNull();
  });

  it("keeps a traceparent the filter set on its callout", async () => {
    const { callout } = await traced(gatewayFor(config("kong")), "/protected/data", { "x-own-trace": "1", traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" });
    expect(callout.traceparent).toBe("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  });
});
