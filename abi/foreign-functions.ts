/**
 * Foreign functions of proxy-wasm-abi.md §1.1 (`proxy_call_foreign_function`): host features a
 * filter calls by name with opaque argument bytes. The built-in ones are only those a Workers
 * isolate can do synchronously and well with web-standard APIs (docs/abi-support.md says why the
 * others of Envoy and Kong are absent); the gateway may add its own.
 * @module
 */
import { Status } from "./types.ts";
import type { Vm } from "./vm.ts";

/** What a foreign function answers: a status and, on success, optional result bytes. */
export interface ForeignFunctionResult {
  status: Status;
  result?: Uint8Array;
}

/** A foreign function: synchronous, given the argument bytes and the calling VM. */
export type ForeignFunction = (args: Uint8Array, vm: Vm) => ForeignFunctionResult;

/** Looks foreign functions up by name. */
export interface ForeignFunctionRegistry {
  get(name: string): ForeignFunction | undefined;
}

/**
 * `clear_route_cache` (Envoy's 0.2 spelling of `proxy_clear_route_cache`): the gateway routes
 * once, before the chain runs, as Kong does, so there is no route cache to clear. OK, no result.
 */
const clearRouteCache: ForeignFunction = () => ({ status: Status.Ok });

/** The functions every VM gets unless the host replaces the registry. */
export const BUILT_IN_FOREIGN_FUNCTIONS: ReadonlyMap<string, ForeignFunction> = new Map([["clear_route_cache", clearRouteCache]]);

/**
 * A registry of the built-in functions plus `extra` (which may override a built-in), e.g.
 * `foreignFunctions({ my_fn: (args) => ({ status: Status.Ok, result: args }) })`.
 */
export function foreignFunctions(extra: Readonly<Record<string, ForeignFunction>> = {}): ForeignFunctionRegistry {
  const functions = new Map([...BUILT_IN_FOREIGN_FUNCTIONS, ...Object.entries(extra)]);
  return { get: (name) => functions.get(name) };
}

const builtIns: ForeignFunctionRegistry = { get: (name) => BUILT_IN_FOREIGN_FUNCTIONS.get(name) };

/** The registry `vm` uses: the host's, else the built-in functions. */
export function foreignFunctionsOf(vm: Vm): ForeignFunctionRegistry {
  return vm.host.services?.foreignFunctions ?? builtIns;
}
