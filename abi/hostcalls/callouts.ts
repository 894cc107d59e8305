/**
 * Host calls of proxy-wasm-abi.md §1.6: HTTP callouts and their status.
 * @module
 */
import { dispatchHttpCall } from "../callouts.ts";
import { decodePairs } from "../pairs.ts";
import { pairsProblem } from "../header-rules.ts";
import { refuseHeaders } from "./refuse-headers.ts";
import { Status } from "../types.ts";
import type { Vm } from "../vm.ts";

export function proxy_http_call(
  vm: Vm,
  upstreamPtr: number,
  upstreamLen: number,
  headersPtr: number,
  headersLen: number,
  bodyPtr: number,
  bodyLen: number,
  trailersPtr: number,
  trailersLen: number,
  timeoutMs: number,
  tokenOut: number,
): number {
  const upstream = vm.memory.readString(upstreamPtr, upstreamLen);
  const headerBytes = vm.memory.read(headersPtr, headersLen);
  const body = vm.memory.read(bodyPtr, bodyLen);
  const trailerBytes = vm.memory.read(trailersPtr, trailersLen);
  if (upstream === null || headerBytes === null || body === null || trailerBytes === null || !vm.memory.inBounds(tokenOut, 4)) {
    return Status.InvalidMemoryAccess;
  }
  const headers = decodePairs(headerBytes);
  const trailers = decodePairs(trailerBytes);
  if (headers === null || trailers === null) return Status.BadArgument;
  const problem = pairsProblem(headers) ?? pairsProblem(trailers);
  if (problem !== null) return refuseHeaders(vm, problem, "proxy_http_call");
  const names = new Set(headers.map(([name]) => name.toLowerCase()));
  // Envoy needs :authority too; Kong does not. We default it to the target, so only these two.
  if (!names.has(":method") || !names.has(":path")) return Status.BadArgument;
  if ((timeoutMs | 0) < 0) return Status.BadArgument;
  const { status, token } = dispatchHttpCall(vm, { upstream, headers, body, trailers, timeoutMs: timeoutMs >>> 0 });
  if (status === Status.Ok) vm.memory.writeU32(tokenOut, token);
  return status;
}

/** The status of the last callout of the active context's plugin: 0 after a response, 11 after a failure. */
export function proxy_get_status(vm: Vm, codeOut: number, messagePtrOut: number, messageLenOut: number): number {
  const context = vm.activeContext;
  if (context === null) return Status.NotFound;
  const root = context.kind === "root" ? context : context.root;
  if (!vm.memory.writeU32(codeOut, root.lastStatus.code)) return Status.InvalidMemoryAccess;
  return vm.memory.returnString(root.lastStatus.message, messagePtrOut, messageLenOut);
}
