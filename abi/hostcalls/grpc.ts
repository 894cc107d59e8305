/**
 * gRPC callouts (proxy-wasm-abi.md §1.7). Workers' `fetch` gives no access to HTTP/2 trailers,
 * where gRPC puts its status, so no call can be made: starting one answers InternalFailure, the
 * status the Rust and C++ SDKs return to the filter as an error (a failed send in Envoy), and
 * every token is unknown (NotFound). Nothing panics, nothing is delivered later.
 * @module
 */
import { Status } from "../types.ts";
import type { Vm } from "../vm.ts";

export function proxy_grpc_call(_vm: Vm): number {
  return Status.InternalFailure;
}

export function proxy_grpc_stream(_vm: Vm): number {
  return Status.InternalFailure;
}

export function proxy_grpc_send(_vm: Vm): number {
  return Status.NotFound;
}

export function proxy_grpc_cancel(_vm: Vm): number {
  return Status.NotFound;
}

export function proxy_grpc_close(_vm: Vm): number {
  return Status.NotFound;
}
