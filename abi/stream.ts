/**
 * A stream: one request through one plugin. Runs the HTTP callbacks of proxy-wasm-abi.md §2.4
 * and the teardown callbacks, and reports what the filter asked for through its effects.
 * @module
 */
import type { ResumeOutcome, StreamContext } from "./context.ts";
import type { Phase } from "./exchange.ts";
import type { GuestExports } from "./exports.ts";
import { Action } from "./types.ts";
import { andThen, type MaybePromise } from "./maybe-async.ts";
import type { CallOptions, Vm } from "./vm.ts";

type StreamCallback =
  | "on_request_headers"
  | "on_request_body"
  | "on_request_trailers"
  | "on_response_headers"
  | "on_response_body"
  | "on_response_trailers";

const PHASE_OF: Record<StreamCallback, Phase> = {
  on_request_headers: "request_headers",
  on_request_body: "request_body",
  on_request_trailers: "request_trailers",
  on_response_headers: "response_headers",
  on_response_body: "response_body",
  on_response_trailers: "response_trailers",
};

/** The teardown callbacks in Kong's order (DESIGN.md). */
const TEARDOWN: readonly [keyof GuestExports & ("on_done" | "on_log" | "on_delete"), string][] = [
  ["on_done", "proxy_on_done"],
  ["on_log", "proxy_on_log"],
  ["on_delete", "proxy_on_delete"],
];

const DEFERRED_BODY: CallOptions = { mayReadDeferredBody: true };

export class HttpStream {
  #finished = false;

  constructor(
    readonly vm: Vm,
    readonly context: StreamContext,
  ) {}

  get effects() {
    return this.context.effects;
  }

  /** Whether the guest exports `callback`; the gateway skips work for callbacks nobody handles. */
  handles(callback: StreamCallback): boolean {
    return this.vm.exports[callback] !== undefined;
  }

  create(): MaybePromise<void> {
    const create = this.vm.exports.on_context_create;
    if (create) return andThen(this.vm.invoke(this.context, "proxy_on_context_create", create, [this.context.id, this.context.root.id]), () => undefined);
  }

  onRequestHeaders(endOfStream: boolean): MaybePromise<Action> {
    return this.#run("on_request_headers", [this.context.exchange.requestHeaders.count, endOfStream ? 1 : 0]);
  }

  onRequestBody(size: number, endOfStream: boolean): MaybePromise<Action> {
    return this.#run("on_request_body", [size, endOfStream ? 1 : 0], this.context.exchange.deferredRequestBody !== null);
  }

  onRequestTrailers(count: number): MaybePromise<Action> {
    return this.#run("on_request_trailers", [count]);
  }

  onResponseHeaders(endOfStream: boolean): MaybePromise<Action> {
    return this.#run("on_response_headers", [this.context.exchange.responseHeaders?.count ?? 0, endOfStream ? 1 : 0]);
  }

  onResponseBody(size: number, endOfStream: boolean): MaybePromise<Action> {
    return this.#run("on_response_body", [size, endOfStream ? 1 : 0], this.context.exchange.deferredResponseBody !== null);
  }

  onResponseTrailers(count: number): MaybePromise<Action> {
    return this.#run("on_response_trailers", [count]);
  }

  /**
   * Runs a stream callback in its phase. Any non-zero result pauses (C++ and AssemblyScript return
   * Envoy filter statuses above 1); a callback that sent a local response counts as paused.
   */
  #run(callback: StreamCallback, args: number[], mayReadDeferredBody = false): MaybePromise<Action> {
    const fn = this.vm.exports[callback];
    // After teardown (its request went away while it waited) the guest has forgotten the context.
    if (!fn || this.#finished) return Action.Continue;
    this.context.exchange.phase = PHASE_OF[callback];
    // 0.1.0 header callbacks take no end_of_stream; extra arguments are ignored by wasm anyway.
    const result = this.vm.invoke(this.context, `proxy_${callback}`, fn, [this.context.id, ...args], mayReadDeferredBody ? DEFERRED_BODY : undefined);
    return typeof result === "number" ? this.#action(result) : result.then((value) => this.#action(value));
  }

  #action(result: number): Action {
    if (this.effects.localResponse !== null) return Action.Pause;
    return result === 0 ? Action.Continue : Action.Pause;
  }

  /**
   * Waits until this paused stream may go on in `direction`: a continue (explicit, or Kong's after
   * the last callout), a local response, or a failure. Fails after `timeoutMs`, so nothing hangs.
   */
  waitForResume(direction: "request" | "response", timeoutMs: number): Promise<ResumeOutcome> {
    const context = this.context;
    return new Promise<ResumeOutcome>((resolve) => {
      const timer = setTimeout(() => context.fail(`paused for more than ${timeoutMs} ms without resuming`), timeoutMs);
      context.waiter = {
        direction,
        resolve: (outcome) => {
          clearTimeout(timer);
          resolve(outcome);
        },
      };
      if (this.vm.failure) context.fail(this.vm.failure.message);
    });
  }

  /**
   * Ends the stream: `on_done`, `on_log`, `on_delete` (Kong's order, DESIGN.md). Each runs even when
   * an earlier one failed; a VM that already failed is not called again. Runs at most once.
   */
  finish(): MaybePromise<void> {
    if (this.#finished) return;
    this.#finished = true;
    this.context.exchange.phase = "log";
    // Behind a callback suspended to read a body (or any queued one), teardown waits its turn.
    if (this.vm.suspending || this.vm.locked) return this.#finishSuspending();
    try {
      for (const [name, callback] of TEARDOWN) {
        const fn = this.vm.exports[name];
        if (fn && !this.vm.failure) {
          try {
            this.vm.call(this.context, callback, fn, [this.context.id]);
          } catch {
            // The failure is recorded on the VM and logged; the remaining teardown is skipped.
          }
        }
      }
    } finally {
      this.vm.contexts.delete(this.context.id);
    }
  }

  async #finishSuspending(): Promise<void> {
    try {
      for (const [name, callback] of TEARDOWN) {
        const fn = this.vm.exports[name];
        if (fn && !this.vm.failure) {
          try {
            await this.vm.invoke(this.context, callback, fn, [this.context.id]);
          } catch {
            // As above: recorded on the VM and logged.
          }
        }
      }
    } finally {
      this.vm.contexts.delete(this.context.id);
    }
  }
}
