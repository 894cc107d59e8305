/**
 * The small typed interfaces through which `abi/` talks to its embedder (the gateway).
 * `abi/` never sees a Request, a Response or a Workers API: only these.
 * @module
 */
import type { ForeignFunctionRegistry } from "./foreign-functions.ts";
import type { MetricsRegistry } from "./metrics.ts";
import type { SharedDataStore } from "./shared-data.ts";
import type { SharedQueueRegistry } from "./shared-queues.ts";
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
  /**
   * Where VMs keep what outlives a callback and is shared between VMs: shared data, queues,
   * metrics, foreign functions. Each missing member (or the whole object) falls back to an
   * isolate-local default created on first use, so a host that passes none still works.
   */
  services?: HostServices;
}

/**
 * The isolate-wide services of the Proxy-Wasm ABI. One object rather than one VmHost member
 * each: a gateway swaps them together (e.g. for a distributed backend) and tests isolate them
 * with one fresh object. Every member is optional.
 */
export interface HostServices {
  /** Shared data (`proxy_get/set_shared_data`), scoped per VM id. */
  sharedData?: SharedDataStore;
  /** Shared queues (`proxy_*_shared_queue`), scoped per VM id. */
  queues?: SharedQueueRegistry;
  /** Metrics (`proxy_*_metric`), named per filter. */
  metrics?: MetricsRegistry;
  /** Foreign functions (`proxy_call_foreign_function`); default: the built-in ones. */
  foreignFunctions?: ForeignFunctionRegistry;
  /**
   * Runs `task` after the current guest call has returned (queue-ready delivery); default:
   * `queueMicrotask`. Must never run it synchronously.
   */
  schedule?(task: () => void): void;
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
