/**
 * The import object of a VM, built from one declarative table of host calls (the `env` module)
 * plus WASI under both of its module names. Every name is registered for every ABI version;
 * behaviour that differs by version lives in the host call itself.
 * @module
 */
import { GuestAbort, GuestTrap, ProcExit, describe } from "./errors.ts";
import * as buffers from "./hostcalls/buffers.ts";
import * as callouts from "./hostcalls/callouts.ts";
import * as grpc from "./hostcalls/grpc.ts";
import * as lifecycle from "./hostcalls/lifecycle.ts";
import * as logTime from "./hostcalls/log-time.ts";
import * as maps from "./hostcalls/maps.ts";
import * as metrics from "./hostcalls/metrics.ts";
import * as properties from "./hostcalls/properties.ts";
import * as globalState from "./hostcalls/global-state.ts";
import * as sharedData from "./hostcalls/shared-data.ts";
import * as sharedQueues from "./hostcalls/shared-queues.ts";
import * as stream from "./hostcalls/stream.ts";
import * as timers from "./hostcalls/timers.ts";
import { Errno, LogLevel, Status } from "./types.ts";
import type { Vm } from "./vm.ts";
import { wasiImports } from "./wasi.ts";
import type { SwitchedCalls } from "./buffer-switch.ts";

// Host calls take guest i32s (numbers) and i64s (bigints); `never[]` accepts both signatures.
type HostCall = (vm: Vm, ...args: never[]) => number;

/** Every `env.proxy_*` host call of ABI 0.1.0, 0.2.0 and 0.2.1 (proxy-wasm-abi.md §1). */
export const HOST_CALLS: Readonly<Record<string, HostCall>> = {
  // §1.1 logging, time, timers, context control
  proxy_log: logTime.proxy_log,
  proxy_get_log_level: logTime.proxy_get_log_level,
  proxy_get_current_time_nanoseconds: logTime.proxy_get_current_time_nanoseconds,
  proxy_set_tick_period_milliseconds: timers.proxy_set_tick_period_milliseconds,
  proxy_set_effective_context: logTime.proxy_set_effective_context,
  proxy_done: lifecycle.proxy_done,
  proxy_call_foreign_function: logTime.proxy_call_foreign_function,
  // §1.2 configuration and buffers
  proxy_get_configuration: buffers.proxy_get_configuration,
  proxy_get_buffer_bytes: buffers.proxy_get_buffer_bytes,
  proxy_get_buffer_status: buffers.proxy_get_buffer_status,
  proxy_set_buffer_bytes: buffers.proxy_set_buffer_bytes,
  // §1.3 header maps
  proxy_get_header_map_pairs: maps.proxy_get_header_map_pairs,
  proxy_set_header_map_pairs: maps.proxy_set_header_map_pairs,
  proxy_get_header_map_size: maps.proxy_get_header_map_size,
  proxy_get_header_map_value: maps.proxy_get_header_map_value,
  proxy_add_header_map_value: maps.proxy_add_header_map_value,
  proxy_replace_header_map_value: maps.proxy_replace_header_map_value,
  proxy_remove_header_map_value: maps.proxy_remove_header_map_value,
  // §1.4 properties
  proxy_get_property: properties.proxy_get_property,
  proxy_set_property: properties.proxy_set_property,
  // §1.5 stream control
  proxy_continue_request: stream.proxy_continue_request,
  proxy_continue_response: stream.proxy_continue_response,
  proxy_continue_stream: stream.proxy_continue_stream,
  proxy_close_stream: stream.proxy_close_stream,
  proxy_clear_route_cache: stream.proxy_clear_route_cache,
  proxy_send_local_response: stream.proxy_send_local_response,
  // §1.6, §1.7 callouts
  proxy_http_call: callouts.proxy_http_call,
  proxy_get_status: callouts.proxy_get_status,
  proxy_grpc_call: grpc.proxy_grpc_call,
  proxy_grpc_stream: grpc.proxy_grpc_stream,
  proxy_grpc_send: grpc.proxy_grpc_send,
  proxy_grpc_cancel: grpc.proxy_grpc_cancel,
  proxy_grpc_close: grpc.proxy_grpc_close,
  // §1.8, §1.9 shared data and queues
  proxy_get_shared_data: sharedData.proxy_get_shared_data,
  proxy_set_shared_data: sharedData.proxy_set_shared_data,
  proxy_register_shared_queue: sharedQueues.proxy_register_shared_queue,
  proxy_resolve_shared_queue: sharedQueues.proxy_resolve_shared_queue,
  proxy_enqueue_shared_queue: sharedQueues.proxy_enqueue_shared_queue,
  proxy_dequeue_shared_queue: sharedQueues.proxy_dequeue_shared_queue,
  // §1.10 metrics
  proxy_define_metric: metrics.proxy_define_metric,
  proxy_increment_metric: metrics.proxy_increment_metric,
  proxy_record_metric: metrics.proxy_record_metric,
  proxy_get_metric: metrics.proxy_get_metric,
};

type MaybeAsyncHostCall = (vm: Vm, ...args: never[]) => number | Promise<number>;

/** The host calls that wait for the state service in a VM with global state (§1.8, §1.9). */
const GLOBAL_STATE_CALLS: Readonly<Record<string, MaybeAsyncHostCall>> = {
  proxy_get_shared_data: globalState.proxy_get_shared_data,
  proxy_set_shared_data: globalState.proxy_set_shared_data,
  proxy_register_shared_queue: globalState.proxy_register_shared_queue,
  proxy_resolve_shared_queue: globalState.proxy_resolve_shared_queue,
  proxy_enqueue_shared_queue: globalState.proxy_enqueue_shared_queue,
  proxy_dequeue_shared_queue: globalState.proxy_dequeue_shared_queue,
};

/** Reads an AssemblyScript string (UTF-16, length in the 4 bytes before it) for `env.abort`. */
function readAssemblyScriptString(vm: Vm, ptr: number): string {
  const byteLength = ptr >= 4 ? vm.memory.readU32(ptr - 4) : null;
  const bytes = byteLength === null ? null : vm.memory.read(ptr, Math.min(byteLength, 4096));
  if (bytes === null) return "?";
  return String.fromCharCode(...new Uint16Array(bytes.buffer, 0, bytes.length >> 1));
}

/** Other `env` imports seen in real binaries (proxy-wasm-abi.md §1.11). */
function toolchainImports(vm: Vm): Record<string, (...args: never[]) => unknown> {
  return {
    emscripten_notify_memory_growth: () => undefined,
    pthread_equal: (a: number, b: number) => (a === b ? 1 : 0),
    abort(message: number, file: number, line: number, column: number): never {
      const text = `${readAssemblyScriptString(vm, message)} at ${readAssemblyScriptString(vm, file)}:${line}:${column}`;
      throw new GuestAbort(text);
    },
    seed: () => Math.random() * Number.MAX_SAFE_INTEGER,
    trace(message: number, count: number, ...values: number[]) {
      vm.log(LogLevel.Info, `trace: ${readAssemblyScriptString(vm, message)} ${values.slice(0, count).join(", ")}`);
    },
  };
}

/**
 * What a host call that threw answers: a host bug becomes InternalFailure and a log line, so it
 * never escapes into the guest as a JS exception. Guest traps from inside (the allocator),
 * aborts and `proc_exit` pass.
 */
function failedHostCall(vm: Vm, name: string, error: unknown): number {
  if (error instanceof GuestTrap || error instanceof ProcExit || error instanceof GuestAbort) throw error;
  vm.log(LogLevel.Error, `host call ${name} failed: ${describe(error)}`);
  return Status.InternalFailure;
}

/** A host call guarded by {@link failedHostCall}. */
function guarded(vm: Vm, name: string, call: HostCall): (...args: never[]) => number {
  return (...args: never[]) => {
    try {
      return call(vm, ...args);
    } catch (error) {
      return failedHostCall(vm, name, error);
    }
  };
}

/**
 * A host call the guest may wait for, guarded the same way: a rejection would be rethrown into
 * the guest and unwind its frames without their epilogues (global-state-facts.md), so it
 * becomes a status too.
 */
function guardedWaiting(vm: Vm, name: string, call: MaybeAsyncHostCall): (...args: never[]) => number | Promise<number> {
  return (...args: never[]) => {
    try {
      const result = call(vm, ...args);
      if (typeof result === "number") return result;
      vm.hostCallWaits();
      return result.catch((error: unknown) => failedHostCall(vm, name, error));
    } catch (error) {
      return failedHostCall(vm, name, error);
    }
  };
}

/**
 * Both forms of the body buffer host calls for the buffer switch: the immediate one as in the
 * table, the suspending one reading a deferred body first (a failed read is a status).
 */
export function switchedCalls(vm: Vm): SwitchedCalls {
  return {
    proxy_get_buffer_bytes: {
      immediate: guarded(vm, "proxy_get_buffer_bytes", buffers.proxy_get_buffer_bytes),
      suspending: guardedWaiting(vm, "proxy_get_buffer_bytes", buffers.proxy_get_buffer_bytes_suspending),
    },
    proxy_set_buffer_bytes: {
      immediate: guarded(vm, "proxy_set_buffer_bytes", buffers.proxy_set_buffer_bytes),
      suspending: guardedWaiting(vm, "proxy_set_buffer_bytes", buffers.proxy_set_buffer_bytes_suspending),
    },
  };
}

/** Same for WASI: a host bug answers EFAULT instead of trapping the guest. */
function guardedWasi(vm: Vm, name: string, call: (...args: never[]) => number | void): (...args: never[]) => number | void {
  return (...args: never[]) => {
    try {
      return call(...args);
    } catch (error) {
      if (error instanceof ProcExit) throw error;
      vm.log(LogLevel.Error, `WASI ${name} failed: ${describe(error)}`);
      return Errno.Fault;
    }
  };
}

export function buildImports(vm: Vm): WebAssembly.Imports {
  const env: Record<string, (...args: never[]) => unknown> = toolchainImports(vm);
  for (const [name, call] of Object.entries(HOST_CALLS)) env[name] = guarded(vm, name, call);
  if (vm.suspending) for (const [name, call] of Object.entries(GLOBAL_STATE_CALLS)) (env as Record<string, unknown>)[name] = new WebAssembly.Suspending(guardedWaiting(vm, name, call));
  const wasi: Record<string, (...args: never[]) => number | void> = {};
  for (const [name, call] of Object.entries(wasiImports(vm))) wasi[name] = guardedWasi(vm, name, call);
  return { env, wasi_snapshot_preview1: wasi, wasi_unstable: wasi } as WebAssembly.Imports;
}
