/**
 * A VM whose every callback and host call is recorded: the tracing wrapper of `run`, `test` and
 * the playground. It wraps the import object and the instance's exports while `Vm.create`
 * instantiates the module, by standing in for `WebAssembly.Instance` for the length of that one
 * synchronous call. The gateway never loads this file, so its hot path stays as it is.
 * @module
 */
import type { LogLevel } from "../abi/types.ts";
import { Vm, type VmOptions } from "../abi/vm.ts";
import { describeHostCall, memoryView, statusName } from "./host-call-words.ts";

/** A callback the host called: `result` is set when it returned, `error` when it threw. */
export interface CallbackEvent {
  kind: "callback";
  name: string;
  args: number[];
  depth: number;
  result?: number;
  error?: string;
}

/** A host call the guest made, with its arguments in words and the status it got. */
export interface HostCallEvent {
  kind: "host_call";
  name: string;
  args: string[];
  detail: string;
  /** The returned number (a Status for `env.proxy_*`, an errno for WASI); null for void calls. */
  result: number | null;
  /** `result` as a Status name for `env.proxy_*` calls. */
  status: string | null;
  depth: number;
}

/** A line the filter logged (through `proxy_log`, WASI stdout/stderr, or the host on its behalf). */
export interface LogEvent {
  kind: "log";
  level: LogLevel;
  message: string;
  depth: number;
}

export type TraceEvent = CallbackEvent | HostCallEvent | LogEvent;

/** Guest exports that are not callbacks of interest: the allocator is called by host calls. */
const QUIET_EXPORTS = new Set(["proxy_on_memory_allocate", "malloc", "free", "calloc", "realloc"]);

/** Collects trace events, nesting host calls under the callback that made them. */
export class Trace {
  readonly events: TraceEvent[] = [];
  depth = 0;
  /** Whether allocator calls (`malloc`, `proxy_on_memory_allocate`) are recorded too. */
  showAllocations = false;

  log(level: LogLevel, message: string): void {
    this.events.push({ kind: "log", level, message, depth: this.depth });
  }
}

/** What `createTracedVm` hands back besides the VM: the import object the engine linked against. */
export interface TracedVm {
  vm: Vm;
  /** Import names provided by the host, as `module.name`. */
  provided: Set<string>;
}

type AnyFunction = (...args: unknown[]) => unknown;

/**
 * `Vm.create` with tracing: every export the host calls and every import the guest calls is
 * recorded in `trace`. Throws what `Vm.create` throws (a VmFailure).
 */
export function createTracedVm(module: WebAssembly.Module, options: VmOptions, trace: Trace): TracedVm {
  const provided = new Set<string>();
  let memory: WebAssembly.Memory | null = null;
  const view = memoryView(() => memory);
  const Original = WebAssembly.Instance;
  function TracingInstance(this: unknown, target: WebAssembly.Module, imports?: WebAssembly.Imports): WebAssembly.Instance {
    const wrapped: Record<string, Record<string, unknown>> = {};
    for (const [from, members] of Object.entries(imports ?? {})) {
      wrapped[from] = {};
      for (const [name, value] of Object.entries(members as Record<string, unknown>)) {
        provided.add(`${from}.${name}`);
        wrapped[from][name] = typeof value === "function" ? tracedImport(trace, from, name, value as AnyFunction, view) : value;
      }
    }
    const instance = new Original(target, wrapped as WebAssembly.Imports);
    const exports: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(instance.exports)) {
      exports[name] = typeof value === "function" ? tracedExport(trace, name, value as AnyFunction) : value;
    }
    if (instance.exports.memory instanceof WebAssembly.Memory) memory = instance.exports.memory;
    return { exports: Object.freeze(exports) } as WebAssembly.Instance;
  }
  (WebAssembly as { Instance: unknown }).Instance = TracingInstance;
  try {
    return { vm: Vm.create(module, options), provided };
  } finally {
    (WebAssembly as { Instance: unknown }).Instance = Original;
  }
}

function tracedExport(trace: Trace, name: string, fn: AnyFunction): AnyFunction {
  const quiet = QUIET_EXPORTS.has(name);
  return (...args: unknown[]) => {
    if (quiet && !trace.showAllocations) return fn(...args);
    const event: CallbackEvent = { kind: "callback", name, args: args.map(Number), depth: trace.depth };
    trace.events.push(event);
    trace.depth++;
    try {
      const result = fn(...args);
      event.result = typeof result === "number" ? result >>> 0 : 0;
      return result;
    } catch (error) {
      event.error = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw error;
    } finally {
      trace.depth--;
    }
  };
}

function tracedImport(trace: Trace, from: string, name: string, fn: AnyFunction, view: ReturnType<typeof memoryView>): AnyFunction {
  const proxyCall = from === "env" && name.startsWith("proxy_");
  return (...args: unknown[]) => {
    const depth = trace.depth;
    const numbers = args as (number | bigint)[];
    const record = (result: unknown, thrown: string | null) =>
      trace.events.push({
        kind: "host_call",
        name: from === "env" ? name : `${from}.${name}`,
        args: numbers.map(String),
        detail: (proxyCall ? describeHostCall(name, view, numbers, typeof result === "number" ? result : -1) : numbers.map(String).join(", ")) + (thrown === null ? "" : ` ✗ ${thrown}`),
        result: typeof result === "number" ? result : null,
        status: proxyCall && typeof result === "number" ? statusName(result) : null,
        depth,
      });
    let result: unknown;
    try {
      result = fn(...args);
    } catch (error) {
      // proc_exit, env.abort, or the allocator trapping inside a host call.
      record(undefined, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
      throw error;
    }
    record(result, null);
    return result;
  };
}
