/**
 * The whole life of one stream on the ABI layer alone (abi/), inside workerd: create, request
 * headers, response headers, response body, teardown, for one filter, `n` times per request
 * (`/<filter>?n=N`; `/none` runs nothing). No header conversion, no fetch, no Response: what a
 * filter's callbacks and host calls cost, apart from the gateway's request path.
 * @module
 */
import { HttpExchange } from "../../abi/exchange.ts";
import { HeaderMap } from "../../abi/header-map.ts";
import type { VmHost } from "../../abi/host-api.ts";
import { Plugin } from "../../abi/plugin.ts";
import { LogLevel } from "../../abi/types.ts";
import { Vm } from "../../abi/vm.ts";
// Fuel-metered, as the build bundles them (bench/stream-lifecycle.ts writes them).
import greeting from "../../build/bench/stream-lifecycle/greeting.wasm";
import rust from "../../build/bench/stream-lifecycle/rust.wasm";
import tiny from "../../build/bench/stream-lifecycle/tiny.wasm";

const host: VmHost = { log: () => undefined, logLevel: () => LogLevel.Warn, now: () => 0n, monotonic: () => 0n, random: (bytes) => bytes };
const noProperties = { get: () => undefined, set: () => undefined };
const BODY = new Uint8Array(20);

function startPlugin(name: string, module: WebAssembly.Module): Plugin {
  const vm = Vm.create(module, { filter: name, vmId: name, abi: "0.2.1", env: {}, host });
  return Plugin.start(vm, { name, rootId: "", configuration: new Uint8Array(), vmConfiguration: new Uint8Array() });
}

/** One request's stream, as the gateway drives it for a GET with a 20-byte response read up front. */
function lifecycle(plugin: Plugin): void {
  const exchange = new HttpExchange(HeaderMap.adopt([[":authority", "bench"], [":path", "/"], [":method", "GET"], [":scheme", "http"]]), noProperties);
  const stream = plugin.createStream(exchange);
  stream.onRequestHeaders(true);
  exchange.responseHeaders = HeaderMap.adopt([[":status", "200"], ["content-length", "20"], ["content-type", "text/plain"]]);
  stream.onResponseHeaders(false);
  exchange.responseBody = BODY;
  stream.onResponseBody(BODY.length, true);
  stream.finish();
}

export function createWorker(_upstream: string): { fetch(request: Request): Response } {
  const plugins = new Map([
    ["tiny", startPlugin("tiny", tiny)],
    ["rust", startPlugin("rust", rust)],
    ["greeting", startPlugin("greeting", greeting)],
  ]);
  return {
    fetch(request) {
      const url = new URL(request.url);
      const plugin = plugins.get(url.pathname.slice(1));
      const n = Number(url.searchParams.get("n") ?? 1);
      if (plugin) for (let i = 0; i < n; i++) lifecycle(plugin);
      return new Response("ok");
    },
  };
}
