/**
 * One request's way through its chain of plugins: a stream per plugin, callbacks in chain order
 * (Kong: the same order in request and response phases), pauses that wait for a continue, a
 * local response or a timeout, and the failure policy of each filter.
 * @module
 */
import type { LocalResponse, ResumeOutcome } from "../abi/context.ts";
import { VmFailure } from "../abi/errors.ts";
import type { HttpExchange } from "../abi/exchange.ts";
import type { Plugin } from "../abi/plugin.ts";
import { andThen, type MaybePromise } from "../abi/maybe-async.ts";
import type { HttpStream } from "../abi/stream.ts";
import { Action } from "../abi/types.ts";
import type { FailurePolicy } from "../config/model.ts";
import type { FilterTiming } from "./filter-timing.ts";

/** A plugin of the chain with the policy that applies when it fails. */
export interface ChainPlugin {
  plugin: Plugin;
  failurePolicy: FailurePolicy;
  /** Where this plugin's time and outcome go; null (or absent) when nobody reads them. */
  timing?: FilterTiming | null;
}

export type PhaseOutcome =
  | { kind: "continue" }
  | { kind: "local_response"; response: LocalResponse }
  | { kind: "failed"; failure: VmFailure }
  | { kind: "timed_out"; filter: string; ms: number }
  | { kind: "closed"; filter: string }
  /** The streams were torn down before the request was over: its client went away. */
  | { kind: "cancelled" };

/** How a phase ended when it did not simply continue. */
export type StopOutcome = Exclude<PhaseOutcome, { kind: "continue" }>;

export type Direction = "request" | "response";

interface Member {
  chain: ChainPlugin;
  stream: HttpStream | null;
  /** A fail-open filter that failed is skipped for the rest of the request. */
  skipped: boolean;
}

const CONTINUE: PhaseOutcome = { kind: "continue" };
const CANCELLED: StopOutcome = { kind: "cancelled" };
/** A callback paused and nothing has resumed it yet. */
const PAUSED = Symbol("paused");
/** A member of a phase is done; the phase goes on with the next one. */
const NEXT = Symbol("next");

/** A stream callback of one phase. */
type PhaseCallback = (stream: HttpStream) => MaybePromise<Action>;

export class ChainRun {
  readonly #members: Member[];
  readonly #exchange: HttpExchange;
  readonly #pauseTimeoutMs: number;
  /** Teardown ran: no stream is opened after it. */
  #finished = false;
  /** Torn down because the client went away: what is left of the request stops. */
  #cancelled = false;

  constructor(plugins: ChainPlugin[], exchange: HttpExchange, pauseTimeoutMs: number) {
    this.#members = plugins.map((chain) => ({ chain, stream: null, skipped: false }));
    this.#exchange = exchange;
    this.#pauseTimeoutMs = pauseTimeoutMs;
  }

  get size(): number {
    return this.#members.length;
  }

  /** Whether any live plugin of the chain handles `callback` (else the body bypasses wasm). */
  handles(callback: "on_request_body" | "on_response_body"): boolean {
    return this.#members.some((m) => !m.skipped && m.chain.plugin.vm.exports[callback] !== undefined);
  }

  /**
   * Whether a body can reach `callback` of every live plugin unread (each VM either cannot read
   * bodies or reads them through the buffer switch), so it is read only if a filter asks.
   */
  defersBodies(callback: "on_request_body" | "on_response_body"): boolean {
    return this.#members.every((m) => m.skipped || m.chain.plugin.vm.exports[callback] === undefined || m.chain.plugin.vm.defersBodies);
  }

  /**
   * `on_request_headers` for each plugin in order; a stream is created when the request reaches
   * it. Synchronous unless a filter pauses: most requests never wait, so they build no promises.
   */
  requestHeaders(endOfStream: boolean): PhaseOutcome | Promise<PhaseOutcome> {
    this.#exchange.phase = "request_headers";
    return this.#phase("request", (stream) => stream.onRequestHeaders(endOfStream), 0);
  }

  /** `on_response_headers` for every plugin, also those the request never reached (Kong). */
  responseHeaders(endOfStream: boolean): PhaseOutcome | Promise<PhaseOutcome> {
    this.#exchange.responseBody = null;
    return this.#phase("response", (stream) => stream.onResponseHeaders(endOfStream), 0);
  }

  /**
   * Runs one body callback of plugin `index`. Returns Continue or Pause, or how the request
   * stopped; synchronously unless the callback suspended or the filter paused. A pause on the
   * last chunk waits for a continue like a headers pause.
   */
  body(index: number, direction: Direction, size: number, endOfStream: boolean): MaybePromise<Action | StopOutcome> {
    if (this.#cancelled) return CANCELLED;
    const member = this.#members[index];
    if (member.skipped || member.stream === null) return Action.Continue;
    const stream = member.stream;
    const action = this.#guard(member, () => (direction === "request" ? stream.onRequestBody(size, endOfStream) : stream.onResponseBody(size, endOfStream)));
    if (action instanceof Promise) return action.then((result) => this.#afterBody(member, direction, result, endOfStream));
    return this.#afterBody(member, direction, action, endOfStream);
  }

  #afterBody(member: Member, direction: Direction, action: Action | StopOutcome, endOfStream: boolean): MaybePromise<Action | StopOutcome> {
    if (typeof action !== "number") return action;
    if (member.skipped) return Action.Continue;
    const settled = this.#decide(member, direction, action);
    if (settled !== PAUSED) return settled.kind === "continue" ? Action.Continue : settled;
    if (!endOfStream) return Action.Pause;
    return this.#resumeBody(member, direction);
  }

  /** A filter paused on the body's last bytes: it may touch the body from any callback (a callout's, a tick's), so it is read now. */
  async #resumeBody(member: Member, direction: Direction): Promise<Action | StopOutcome> {
    await this.#exchange.readDeferredBody(direction);
    const settled = await this.#waitForResume(member, direction);
    return settled.kind === "continue" ? Action.Continue : settled;
  }

  /**
   * `on_done`, `on_log`, `on_delete` for every stream of the request; a promise when a VM with
   * global state has teardown to run (it may wait for the state service). A body still passing
   * after (an upload the upstream answered before it ended) passes without callbacks.
   */
  finish(): void | Promise<unknown> {
    this.#finished = true;
    let waiting: Promise<unknown>[] | null = null;
    for (const member of this.#members) {
      const stream = member.stream;
      const timing = member.chain.timing;
      const finished = timing && stream ? timing.measure(() => stream.finish()) : stream?.finish();
      if (finished instanceof Promise) (waiting ??= []).push(finished);
    }
    if (waiting) return Promise.all(waiting);
  }

  /**
   * The client went away before the request was over: teardown now ({@link finish}), and what is
   * left of the request stops: a paused stream stops waiting, and phases and body chunks still to
   * come answer `cancelled` instead of reaching the guests.
   */
  cancel(): void | Promise<unknown> {
    this.#cancelled = true;
    for (const member of this.#members) {
      if (member.stream?.context.waiter) member.stream.context.fail("the client went away");
    }
    return this.finish();
  }

  #phase(direction: Direction, run: PhaseCallback, from: number): PhaseOutcome | Promise<PhaseOutcome> {
    for (let index = from; index < this.#members.length; index++) {
      const step = this.#step(this.#members[index], direction, run);
      if (step instanceof Promise) return step.then((outcome) => (outcome === NEXT ? this.#phase(direction, run, index + 1) : outcome));
      if (step !== NEXT) return step;
    }
    return CONTINUE;
  }

  /** One member's part of a phase: its stream is created when the request first reaches it. */
  #step(member: Member, direction: Direction, run: PhaseCallback): MaybePromise<PhaseOutcome | typeof NEXT> {
    // The client went away: no guest hears of this request again.
    if (this.#cancelled) return CANCELLED;
    if (member.skipped) return NEXT;
    if (member.stream !== null) return this.#runMember(member, direction, run);
    // Torn down already: a stream opened now would never be.
    if (this.#finished) return NEXT;
    const created = this.#guard(member, () =>
      andThen(member.chain.plugin.openStream(this.#exchange), (stream) => {
        member.stream = stream;
        // Teardown ran while the stream was being created (a VM with global state creates it later).
        if (this.#finished) void stream.finish();
        return Action.Continue;
      }),
    );
    return andThen(created, (result) => {
      if (typeof result !== "number") return result;
      return member.skipped ? NEXT : this.#runMember(member, direction, run);
    });
  }

  #runMember(member: Member, direction: Direction, run: PhaseCallback): MaybePromise<PhaseOutcome | typeof NEXT> {
    const stream = member.stream!;
    return andThen(this.#guard(member, () => run(stream)), (action) => {
      if (typeof action !== "number") return action;
      if (member.skipped) return NEXT;
      const settled = this.#decide(member, direction, action);
      if (settled === PAUSED) return this.#waitForResume(member, direction).then((resumed) => (resumed === CONTINUE ? NEXT : resumed));
      return settled === CONTINUE ? NEXT : settled;
    });
  }

  /**
   * What a callback's result means: a local response wins, a continue issued in the same
   * callback wins over its Pause, otherwise a Pause is PAUSED.
   */
  #decide(member: Member, direction: Direction, action: Action): PhaseOutcome | typeof PAUSED {
    const stream = member.stream!;
    const stateFailure = stream.effects.stateFailure;
    if (stateFailure !== null) return this.#stateFailed(member, stateFailure);
    const timing = member.chain.timing;
    if (stream.effects.closeRequested) {
      timing?.ended("closed");
      return { kind: "closed", filter: stream.vm.filter };
    }
    const local = stream.effects.takeLocalResponse();
    if (local) {
      timing?.ended("local_response");
      return { kind: "local_response", response: local };
    }
    if (action === Action.Continue || stream.effects.takeContinue(direction)) {
      timing?.continued();
      return CONTINUE;
    }
    timing?.paused();
    return PAUSED;
  }

  /** Waits until a paused stream is resumed, answers locally, fails or times out. */
  async #waitForResume(member: Member, direction: Direction): Promise<PhaseOutcome> {
    const stream = member.stream!;
    const timing = member.chain.timing;
    const start = timing ? performance.now() : 0;
    const resumed: ResumeOutcome = await stream.waitForResume(direction, this.#pauseTimeoutMs);
    timing?.add(start);
    if (this.#cancelled) return CANCELLED;
    if (resumed.kind === "continue") return CONTINUE;
    if (resumed.kind === "local_response") {
      timing?.ended("local_response");
      return resumed;
    }
    if (stream.vm.failure === null) {
      timing?.ended("timed_out");
      return { kind: "timed_out", filter: stream.vm.filter, ms: this.#pauseTimeoutMs };
    }
    if (member.chain.failurePolicy === "fail_open") {
      timing?.ended("failed_open");
      member.skipped = true;
      return CONTINUE;
    }
    timing?.ended("failed");
    return { kind: "failed", failure: stream.vm.failure };
  }

  /** A global state call failed during the callback: the plugin's failure_policy decides. */
  #stateFailed(member: Member, reason: string): PhaseOutcome {
    if (member.chain.failurePolicy === "fail_open") {
      member.chain.timing?.ended("failed_open");
      member.skipped = true;
      return CONTINUE;
    }
    member.chain.timing?.ended("failed");
    const name = member.chain.plugin.settings.name;
    return { kind: "failed", failure: new VmFailure("state", name, "global state", reason) };
  }

  /** Runs guest code of one member, applying its failure policy. */
  #guard(member: Member, run: () => MaybePromise<Action>): MaybePromise<Action | StopOutcome> {
    const timing = member.chain.timing;
    return timing ? timing.measure(() => this.#guarded(member, run)) : this.#guarded(member, run);
  }

  #guarded(member: Member, run: () => MaybePromise<Action>): MaybePromise<Action | StopOutcome> {
    const failed = (error: unknown): Action | StopOutcome => {
      const failure = error instanceof VmFailure ? error : new VmFailure("runtime", member.chain.plugin.settings.name, "host", error);
      if (member.chain.failurePolicy === "fail_open") {
        member.chain.timing?.ended("failed_open");
        member.skipped = true;
        return Action.Continue;
      }
      member.chain.timing?.ended("failed");
      return { kind: "failed", failure };
    };
    try {
      const action = run();
      return action instanceof Promise ? action.catch(failed) : action;
    } catch (error) {
      return failed(error);
    }
  }
}
