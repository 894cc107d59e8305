/**
 * What the in-process microbenchmarks share: a quiet VmHost, fixed properties, typical header
 * sets, and modules compiled from the built filters (Node may compile from bytes; workerd gets
 * them precompiled from the bundle). Modules are fuel-metered by default, as cli/build.ts
 * bundles them (bench/fixtures/metered.ts); `{ metered: false }` gives the filter as built.
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { HttpExchange } from "../../abi/exchange.ts";
import { HeaderMap } from "../../abi/header-map.ts";
import type { PropertySource, VmHost } from "../../abi/host-api.ts";
import { encodeUtf8 } from "../../abi/memory.ts";
import type { HeaderPair } from "../../abi/pairs.ts";
import { Plugin } from "../../abi/plugin.ts";
import { LogLevel } from "../../abi/types.ts";
import { Vm } from "../../abi/vm.ts";
import { detectAbiVersion } from "../../abi/exports.ts";
import { BUILT_FILTERS, REPO_ROOT } from "../fixtures/filters-folder.ts";
import { meteredBytes } from "../fixtures/metered.ts";

/** Logs nothing below warnings (the gateway's default is info; greeting logs once per start). */
export const quietHost: VmHost = {
  log: () => {},
  logLevel: () => LogLevel.Warn,
  now: () => BigInt(Date.now()) * 1_000_000n,
  monotonic: () => process.hrtime.bigint(),
  random: (bytes) => void crypto.getRandomValues(bytes),
};

export const noProperties: PropertySource = { get: () => undefined, set: () => undefined };

/** What a browser-ish client sends through a gateway: pseudo-headers + 12 regular headers. */
export const REQUEST_HEADERS: HeaderPair[] = [
  [":authority", "api.example.com"],
  [":path", "/v1/orders?limit=20"],
  [":method", "GET"],
  [":scheme", "https"],
  ["accept", "application/json"],
  ["accept-encoding", "gzip, deflate, br"],
  ["accept-language", "en-GB,en;q=0.9"],
  ["authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl"],
  ["cache-control", "no-cache"],
  ["cookie", "session=abc123; theme=dark"],
  ["user-agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"],
  ["x-forwarded-for", "203.0.113.7"],
  ["x-forwarded-proto", "https"],
  ["x-request-id", "7f3c2a9e-4b1d-4e8a-9c6f-0d2e5b7a1c3f"],
  ["sec-fetch-mode", "cors"],
  ["referer", "https://app.example.com/orders"],
];

export const RESPONSE_HEADERS: HeaderPair[] = [
  [":status", "200"],
  ["content-type", "application/json"],
  ["content-length", "20"],
  ["date", "Thu, 27 Nov 2026 12:00:00 GMT"],
  ["cache-control", "private, max-age=0"],
  ["x-upstream", "1"],
];

const modules = new Map<string, WebAssembly.Module>();

/** How a module is loaded: fuel-metered as the build bundles it (default), or as built. */
export interface ModuleOptions {
  metered?: boolean;
}

/** The bytes of a filter of bench/fixtures (built filters, or a path), metered unless asked not to. */
export function filterBytes(name: string, path = join(REPO_ROOT, BUILT_FILTERS[name]), { metered = true }: ModuleOptions = {}): Uint8Array<ArrayBuffer> {
  return metered ? meteredBytes(path) : new Uint8Array(readFileSync(path));
}

/** The compiled module of a filter of bench/fixtures (built filters, or a path), metered unless asked not to. */
export function filterModule(name: string, path = join(REPO_ROOT, BUILT_FILTERS[name]), options: ModuleOptions = {}): WebAssembly.Module {
  const key = `${path}\0${options.metered !== false}`;
  let module = modules.get(key);
  if (!module) modules.set(key, (module = new WebAssembly.Module(filterBytes(name, path, options))));
  return module;
}

/** Vm.create + Plugin.start, as worker/plugin-pool.ts does it. */
export function startPlugin(name: string, module: WebAssembly.Module, config = ""): Plugin {
  const abi = detectAbiVersion(module);
  if (!abi) throw new Error(`${name} is not a Proxy-Wasm module`);
  const vm = Vm.create(module, { filter: name, vmId: name, abi, env: {}, host: quietHost });
  return Plugin.start(vm, { name, rootId: "", configuration: encodeUtf8(config), vmConfiguration: new Uint8Array(0) });
}

/** One request's lifecycle through one plugin, without HTTP. */
export function oneRequest(plugin: Plugin): void {
  const exchange = new HttpExchange(new HeaderMap(REQUEST_HEADERS), noProperties);
  const stream = plugin.createStream(exchange);
  stream.onRequestHeaders(true);
  exchange.responseHeaders = new HeaderMap(RESPONSE_HEADERS);
  stream.onResponseHeaders(false);
  stream.finish();
}

export const isTty = process.stdout.isTTY === true;
