/**
 * HTTP callouts (proxy-wasm-abi.md §5.7): dispatch, then deliver the response to the root
 * context of the plugin that made the call, later and never from inside a guest call; then wake
 * the stream that waits for it (Kong: it resumes by itself after its last callout).
 * @module
 */
import type { CalloutRequest, CalloutResult } from "./callout-api.ts";
import type { RootContext, StreamContext } from "./context.ts";
import { describe, VmFailure } from "./errors.ts";
import { LogLevel, Status } from "./types.ts";
import type { Vm } from "./vm.ts";

/** Dispatches a callout for the active context; returns the status and, when OK, the token. */
export function dispatchHttpCall(vm: Vm, request: CalloutRequest): { status: Status; token: number } {
  const context = vm.activeContext;
  if (context === null) return { status: Status.BadArgument, token: 0 };
  if (vm.callouts === null) return { status: Status.BadArgument, token: 0 };
  const root = context.kind === "root" ? context : context.root;
  const sent = vm.callouts.send(request, context.kind === "stream" ? context.exchange : null);
  if (typeof sent === "number") return { status: sent, token: 0 };
  const token = vm.newCalloutToken();
  const stream = context.kind === "stream" ? context : null;
  root.callouts.set(token, { stream });
  if (stream) stream.pendingCallouts++;
  sent.then(
    (result) => deliver(vm, root, token, result),
    (error: unknown) => {
      vm.log(LogLevel.Error, `callout ${token} to ${request.upstream} failed: ${describe(error)}`);
      deliver(vm, root, token, { ok: false, reason: "broken connection" });
    },
  );
  return { status: Status.Ok, token };
}

/** Wakes every stream of the VM whose filter asked to continue or replied during a callback. */
export function wakeStreams(vm: Vm, delivered: StreamContext | null = null): void {
  for (const context of vm.contexts.values()) {
    if (context.kind === "stream") context.wake(context === delivered);
  }
}

function deliver(vm: Vm, root: RootContext, token: number, result: CalloutResult): void {
  const pending = root.callouts.get(token);
  root.callouts.delete(token);
  const stream = pending?.stream ?? null;
  if (stream) stream.pendingCallouts--;
  root.lastStatus = result.ok ? { code: Status.Ok, message: "" } : { code: Status.BrokenConnection, message: result.reason };
  // The request that made the call has ended (it timed out or failed): Kong cancels such a call.
  // Delivering it would hand the filter a context it can no longer switch to, which SDKs treat
  // as fatal (Rust panics), taking the VM and every other request on it down.
  if (stream !== null && !vm.contexts.has(stream.id)) {
    vm.log(LogLevel.Debug, `callout ${token} answered after its request ended; not delivered`);
    return;
  }
  const callback = vm.exports.on_http_call_response;
  if (vm.failure === null && callback && vm.contexts.has(root.id)) {
    const response = result.ok ? result.response : null;
    const callResponse = response ?? { headers: [], body: new Uint8Array(0), trailers: [] };
    const failed = (error: unknown) => {
      const reason = error instanceof VmFailure ? error.message : describe(error);
      for (const context of vm.contexts.values()) if (context.kind === "stream") context.fail(reason);
    };
    let called: number | Promise<number>;
    try {
      const counts = response ? [response.headers.length, response.body.length, response.trailers.length] : [0, 0, 0];
      called = vm.invoke(root, "proxy_on_http_call_response", callback, [root.id, token, ...counts], { callResponse });
    } catch (error) {
      return failed(error);
    }
    if (called instanceof Promise) return void called.then(() => wakeStreams(vm, stream), failed);
  } else if (vm.failure !== null) {
    stream?.fail(vm.failure.message);
    return;
  }
  wakeStreams(vm, stream);
}
