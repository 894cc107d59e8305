/**
 * The small typed interfaces through which `abi/` talks to its embedder (the gateway).
 * `abi/` never sees a Request, a Response or a Workers API: only these.
 * @module
 */
import type { LogLevel, Status } from "./types.ts";

/** What every VM needs from the isolate it runs in. */
export interface VmHost {
  /** Writes one log line of `filter` (already filtered by level). */
  log(filter: string, level: LogLevel, message: string): void;
  /** The least severe level `filter` logs at; `proxy_get_log_level` answers it. */
  logLevel(filter: string): LogLevel;
  /** Wall-clock time in nanoseconds since the Unix epoch. */
  now(): bigint;
  /** A monotonic clock in nanoseconds. */
  monotonic(): bigint;
  /** Fills `bytes` with cryptographically strong random bytes. */
  random(bytes: Uint8Array): void;
}

/**
 * A property value with its Envoy type, so the host can encode it the way filters decode it
 * (proxy-wasm-abi.md §7.1).
 */
export type PropertyValue =
  | { type: "string"; value: string }
  | { type: "bytes"; value: Uint8Array }
  | { type: "int"; value: bigint }
  | { type: "uint"; value: bigint }
  | { type: "bool"; value: boolean }
  | { type: "timestamp"; value: bigint }
  | { type: "duration"; value: bigint }
  | { type: "map"; value: readonly (readonly [string, string])[] }
  | { type: "list"; value: readonly string[] };

/** The properties of the request a stream serves, provided by the gateway. */
export interface PropertySource {
  /** The value at `path` (already split into segments), or undefined when absent. */
  get(path: readonly string[]): PropertyValue | undefined;
  /**
   * Applies a value a filter set at a gateway-owned path and returns the status the guest sees,
   * or undefined when the path is not the gateway's (it is then kept as filter state).
   */
  set(path: readonly string[], value: Uint8Array): Status | undefined;
}
