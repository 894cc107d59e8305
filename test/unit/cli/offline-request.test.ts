import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { LogLevel } from "../../../abi/types.ts";
import { runOffline, type OfflineRun } from "../../../cli/offline-request.ts";
import { fetchCallout, runExitStatus } from "../../../cli/run.ts";
import { resultText } from "../../../cli/trace-text.ts";
import type { CallbackEvent, HostCallEvent } from "../../../cli/traced-vm.ts";
import { builtFilter, guest } from "./support/built-modules.ts";

function offline(file: string, overrides: Partial<OfflineRun> = {}): OfflineRun {
  return {
    filter: "under-test",
    module: new WebAssembly.Module(readFileSync(file)),
    config: "",
    rootId: "",
    vmConfig: "",
    request: { method: "GET", path: "/hello", headers: [], body: "" },
    upstream: { status: 200, headers: [["content-type", "text/plain"]], body: "hello" },
    callout: null,
    ticks: 0,
    logLevel: LogLevel.Trace,
    ...overrides,
  };
}

const callbacks = (events: readonly { kind: string }[]) => events.filter((e): e is CallbackEvent => e.kind === "callback").map((e) => e.name);
const hostCalls = (events: readonly { kind: string }[]) => events.filter((e): e is HostCallEvent => e.kind === "host_call");

describe("one request through a filter, offline", () => {
  it("traces every callback in the gateway's order and the response carries the filter's header", async () => {
    const result = await runOffline(offline(builtFilter("greeting"), { config: '{"my_greeting":"Hi"}' }));
    expect(callbacks(result.trace)).toEqual([
      "_initialize",
      "proxy_on_context_create",
      "proxy_on_vm_start",
      "proxy_validate_configuration",
      "proxy_on_configure",
      "proxy_on_context_create",
      "proxy_on_request_headers",
      "proxy_on_response_headers",
      "proxy_on_response_body",
      "proxy_on_done",
      "proxy_on_log",
      "proxy_on_delete",
    ]);
    expect(result.response).toMatchObject({ status: 200, source: "upstream", body: "hello" });
    expect(result.response.headers).toContainEqual(["x-greeting", "Hi"]);
    expect(result.upstreamRequest).toMatchObject({ method: "GET", path: "/hello", authority: "localhost" });
    expect(result.failure).toBeNull();
  });

  it("decodes host call arguments: buffer ranges with their bytes, header names and values, statuses", async () => {
    const result = await runOffline(offline(builtFilter("greeting"), { config: '{"my_greeting":"Hi"}' }));
    const details = hostCalls(result.trace).map((call) => `${call.name}(${call.detail}) → ${call.status}`);
    expect(details).toContain('proxy_get_buffer_bytes(plugin_configuration [0, +20] → "{\\"my_greeting\\":\\"Hi\\"}") → ok');
    expect(details).toContain('proxy_add_header_map_value(http_response_headers "X-Greeting": "Hi") → ok');
    expect(result.logs).toContainEqual({ level: "info", message: "greeting: responses get X-Greeting: Hi" });
  });

  it("a local response after a callout reaches the client, and the upstream is never asked", async () => {
    const result = await runOffline(
      offline(guest("callout-auth"), {
        config: "kong",
        request: { method: "GET", path: "/private", headers: [["x-deny", "1"]], body: "" },
        callout: { status: 403, headers: [], body: '{"allowed":false}' },
      }),
    );
    expect(result.callouts).toEqual([{ upstream: "auth", headers: [[":method", "GET"], [":path", "/status/403"], [":authority", "auth"]], body: "" }]);
    expect(result.upstreamRequest).toBeNull();
    expect(result.localResponse).toEqual({ status: 403, details: "" });
    expect(result.response).toEqual({ status: 403, source: "local_response", body: "denied by auth service", headers: [["x-denied-by", "callout"], ["content-type", "text/plain"]] });
    expect(callbacks(result.trace)).toContain("proxy_on_http_call_response");
    expect(hostCalls(result.trace).map((call) => call.name)).toContain("proxy_send_local_response");
    expect(runExitStatus(result, 200)).toBe(3);
    expect(runExitStatus(result, 403)).toBe(0);
  });

  it("a callout the filter allows resumes the request, with the headers it added upstream", async () => {
    const result = await runOffline(offline(guest("callout-auth"), { config: "kong", callout: { status: 200, headers: [], body: "{}" } }));
    expect(result.upstreamRequest?.headers).toEqual([["x-auth", "allowed"], ["x-callout", "done"]]);
  });

  it("callouts can reach a real server: its answer decides, as a local response or a pass", async () => {
    const seen: string[] = [];
    const server = createServer((request, response) => {
      seen.push(`${request.method} ${request.url}`);
      const status = Number(request.url?.split("/").at(-1)) || 200;
      response.writeHead(status, { "content-type": "application/json" }).end("{}");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const sendCallout = fetchCallout(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      const allowed = await runOffline(offline(guest("callout-auth"), { config: "kong", sendCallout }));
      expect(allowed.upstreamRequest?.headers).toContainEqual(["x-auth", "allowed"]);
      const denied = await runOffline(offline(guest("callout-auth"), { config: "kong", sendCallout, request: { method: "GET", path: "/", headers: [["x-deny", "1"]], body: "" } }));
      expect(denied.response).toMatchObject({ status: 403, source: "local_response" });
      expect(seen).toEqual(["GET /status/200", "GET /status/403"]);
    } finally {
      server.close();
    }
  });

  it("a callout to a server that is not there fails as a broken connection", async () => {
    const result = await runOffline(offline(guest("callout-auth"), { config: "kong", sendCallout: fetchCallout("http://127.0.0.1:9") }));
    expect(result.response).toMatchObject({ status: 502, source: "local_response", body: "callout failed" });
  });

  it("a trap fails the request with Kong's 500, names the callback, and exits 2", async () => {
    const result = await runOffline(offline(guest("trap-when-asked"), { request: { method: "GET", path: "/", headers: [["x-trap", "1"]], body: "" } }));
    expect(result.failure).toMatch(/failed in proxy_on_request_headers: RuntimeError: unreachable/);
    expect(result.response).toMatchObject({ status: 500, source: "gateway_error" });
    expect(result.trace.find((e) => e.kind === "callback" && e.name === "proxy_on_request_headers")).toMatchObject({ error: "RuntimeError: unreachable" });
    expect(runExitStatus(result, null)).toBe(2);
    expect(resultText(result)).toContain("✗ filter failed:");
  });

  it("a request body goes through on_request_body and reaches the upstream rewritten", async () => {
    const result = await runOffline(offline(guest("body-rewrite"), { request: { method: "POST", path: "/", headers: [], body: "payload" } }));
    expect(callbacks(result.trace)).toContain("proxy_on_request_body");
    expect(result.upstreamRequest?.body).not.toBe("payload");
    expect(result.upstreamRequest?.body).toMatch(/payload$/);
  });

  it("--ticks runs on_tick that many times after start-up", async () => {
    const result = await runOffline(offline(guest("tick-counter"), { ticks: 3, callout: { status: 200, headers: [], body: "" } }));
    expect(callbacks(result.trace).filter((name) => name === "proxy_on_tick")).toHaveLength(3);
    expect(result.response.headers).toContainEqual(["x-ticks", "3"]);
  });

  it("the log level drops the filter's lines below it, as in the gateway", async () => {
    const result = await runOffline(offline(builtFilter("greeting"), { config: '{"my_greeting":"Hi"}', logLevel: LogLevel.Warn }));
    expect(result.logs).toEqual([]);
  });

  it("a module without an ABI marker is refused before it runs", async () => {
    const result = await runOffline({ ...offline(guest("rust-sdk-add-header")), module: new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])) });
    expect(result.failure).toMatch(/not a Proxy-Wasm module/);
    expect(result.trace).toEqual([]);
  });
});
