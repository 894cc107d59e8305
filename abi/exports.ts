/**
 * Resolves a module's exports once into typed callbacks, choosing the ABI version at this one point.
 * @module
 */
import type { AbiVersion } from "./types.ts";

type Callback = (...args: number[]) => number | undefined;

const ABI_MARKERS: readonly [string, AbiVersion][] = [
  ["proxy_abi_version_0_2_1", "0.2.1"],
  ["proxy_abi_version_0_2_0", "0.2.0"],
  ["proxy_abi_version_0_1_0", "0.1.0"],
];

/** The ABI version a module declares, or null when it is not a Proxy-Wasm module. */
export function detectAbiVersion(module: WebAssembly.Module): AbiVersion | null {
  const names = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  for (const [marker, version] of ABI_MARKERS) if (names.has(marker)) return version;
  return null;
}

/** The callbacks of one instance; a missing optional callback is undefined. */
export interface GuestExports {
  memory: WebAssembly.Memory;
  allocate: ((size: number) => number) | null;
  initialize?: Callback;
  main?: Callback;
  mainVoid?: Callback;
  start?: Callback;
  on_context_create?: Callback;
  on_vm_start?: Callback;
  on_configure?: Callback;
  validate_configuration?: Callback;
  on_request_headers?: Callback;
  on_request_body?: Callback;
  on_request_trailers?: Callback;
  on_response_headers?: Callback;
  on_response_body?: Callback;
  on_response_trailers?: Callback;
  on_done?: Callback;
  on_log?: Callback;
  on_delete?: Callback;
  on_tick?: Callback;
  on_http_call_response?: Callback;
  on_queue_ready?: Callback;
  on_foreign_function?: Callback;
}

/** Names of the stream and root callbacks the host may call, as exported by the guest. */
const CALLBACK_EXPORTS = [
  "on_context_create",
  "on_vm_start",
  "on_configure",
  "validate_configuration",
  "on_request_headers",
  "on_request_body",
  "on_request_trailers",
  "on_response_headers",
  "on_response_body",
  "on_response_trailers",
  "on_done",
  "on_log",
  "on_delete",
  "on_tick",
  "on_http_call_response",
  "on_queue_ready",
  "on_foreign_function",
] as const;

function fn(exports: WebAssembly.Exports, name: string): Callback | undefined {
  const value = exports[name];
  return typeof value === "function" ? (value as Callback) : undefined;
}

/**
 * Reads an instance's exports. Allocator: `proxy_on_memory_allocate` first, then `malloc`
 * (TinyGo's `malloc` leaks host allocations, proxy-wasm-abi.md §2.1).
 */
export function resolveExports(exports: WebAssembly.Exports, abi: AbiVersion): GuestExports {
  const memory = exports.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error("the module exports no memory");
  const allocator = fn(exports, "proxy_on_memory_allocate") ?? fn(exports, "malloc");
  const resolved: GuestExports = {
    memory,
    allocate: allocator ? (size: number) => (allocator(size) ?? 0) >>> 0 : null,
    initialize: fn(exports, "_initialize"),
    main: fn(exports, "main"),
    mainVoid: fn(exports, "__main_void"),
    start: fn(exports, "_start"),
  };
  for (const name of CALLBACK_EXPORTS) resolved[name] = fn(exports, `proxy_${name}`);
  // 0.1.0 has no foreign-function callback; an export by that name belongs to something else.
  if (abi === "0.1.0") resolved.on_foreign_function = undefined;
  return resolved;
}
