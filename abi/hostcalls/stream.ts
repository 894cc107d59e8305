/**
 * Host calls of proxy-wasm-abi.md §1.5: stream control and local responses. They only record
 * what the filter asked for; the gateway applies it after the callback returns, never re-entrantly.
 * @module
 */
import type { StreamContext } from "../context.ts";
import { pairsProblem } from "../header-rules.ts";
import { refuseHeaders } from "./refuse-headers.ts";
import { decodePairs } from "../pairs.ts";
import { LogLevel, Status, StreamType } from "../types.ts";
import type { Vm } from "../vm.ts";

function stream(vm: Vm): StreamContext | null {
  const context = vm.activeContext;
  return context?.kind === "stream" ? context : null;
}

/** Resuming a stream that is not paused, or from a root context, is a harmless no-op (OK). */
export function proxy_continue_stream(vm: Vm, type: number): number {
  switch (type >>> 0) {
    case StreamType.HttpRequest:
      return proxy_continue_request(vm);
    case StreamType.HttpResponse:
      return proxy_continue_response(vm);
    case StreamType.Downstream:
    case StreamType.Upstream:
      return Status.Unimplemented;
    default:
      return Status.BadArgument;
  }
}

export function proxy_continue_request(vm: Vm): number {
  const context = stream(vm);
  if (context) context.effects.continueRequest = true;
  return Status.Ok;
}

export function proxy_continue_response(vm: Vm): number {
  const context = stream(vm);
  if (context) context.effects.continueResponse = true;
  return Status.Ok;
}

export function proxy_close_stream(vm: Vm, type: number): number {
  if (type >>> 0 > StreamType.Upstream) return Status.BadArgument;
  const context = stream(vm);
  if (context) context.effects.closeRequested = true;
  return Status.Ok;
}

/** Routing is decided once per request before the chain runs; there is no cache to clear. */
export function proxy_clear_route_cache(_vm: Vm): number {
  return Status.Ok;
}

export function proxy_send_local_response(
  vm: Vm,
  statusCode: number,
  detailsPtr: number,
  detailsLen: number,
  bodyPtr: number,
  bodyLen: number,
  headersPtr: number,
  headersLen: number,
  grpcStatus: number,
): number {
  const details = vm.memory.readString(detailsPtr, detailsLen);
  const body = vm.memory.read(bodyPtr, bodyLen);
  const headerBytes = vm.memory.read(headersPtr, headersLen);
  if (details === null || body === null || headerBytes === null) return Status.InvalidMemoryAccess;
  const headers = decodePairs(headerBytes);
  if (headers === null) return Status.BadArgument;
  const problem = pairsProblem(headers);
  if (problem !== null) return refuseHeaders(vm, problem, "send_local_response");
  const status = statusCode >>> 0;
  if (status < 200 || status > 599) return Status.BadArgument;
  const context = stream(vm);
  if (context === null) return Status.NotFound;
  if (context.effects.localResponse !== null) {
    vm.log(LogLevel.Warn, `send_local_response called again (status ${status}); the first response stands`);
    return Status.Ok;
  }
  context.effects.localResponse = { status, details, body, headers: [...headers], grpcStatus: grpcStatus | 0 };
  return Status.Ok;
}
