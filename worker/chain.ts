/**
 * One request's way through its chain of plugins: a stream per plugin, callbacks in chain order
 * (Kong: the same order in request and response phases), failure policy per filter, and what a
 * phase ended with.
 * @module
 */
import type { LocalResponse } from "../abi/context.ts";
import { VmFailure } from "../abi/errors.ts";
import type { HttpExchange } from "../abi/exchange.ts";
import type { Plugin } from "../abi/plugin.ts";
import type { HttpStream } from "../abi/stream.ts";
import { Action } from "../abi/types.ts";
import type { FailurePolicy } from "../config/model.ts";

/** A plugin of the chain with the policy that applies when it fails. */
export interface ChainPlugin {
  plugin: Plugin;
  failurePolicy: FailurePolicy;
}

export type PhaseOutcome =
  | { kind: "continue" }
  | { kind: "local_response"; response: LocalResponse }
  | { kind: "failed"; failure: VmFailure };

/** How a phase ended when it did not simply continue. */
export type StopOutcome = Exclude<PhaseOutcome, { kind: "continue" }>;

type Direction = "request" | "response";

interface Member {
  chain: ChainPlugin;
  stream: HttpStream | null;
  /** A fail-open filter that failed is skipped for the rest of the request. */
  skipped: boolean;
}

const CONTINUE: PhaseOutcome = { kind: "continue" };

export class ChainRun {
  readonly #members: Member[];
  readonly #exchange: HttpExchange;

  constructor(plugins: ChainPlugin[], exchange: HttpExchange) {
    this.#members = plugins.map((chain) => ({ chain, stream: null, skipped: false }));
    this.#exchange = exchange;
  }

  /** Whether any live stream of the chain handles `callback` (else the body is not routed through wasm). */
  handles(callback: "on_request_body" | "on_response_body"): boolean {
    return this.#members.some((m) => !m.skipped && m.chain.plugin.vm.exports[callback] !== undefined);
  }

  /** `on_request_headers` for each plugin in order; a stream is created when the request reaches it. */
  requestHeaders(endOfStream: boolean): PhaseOutcome {
    return this.#phase("request", (stream) => stream.onRequestHeaders(endOfStream), true);
  }

  /** `on_response_headers` for every plugin, also those the request never reached (Kong). */
  responseHeaders(endOfStream: boolean): PhaseOutcome {
    this.#exchange.responseBody = null;
    return this.#phase("response", (stream) => stream.onResponseHeaders(endOfStream), true);
  }

  /**
   * Runs one body callback on plugin `index`. Returns the action, or an outcome when the plugin
   * failed (fail-closed) or answered locally. A fail-open failure continues.
   */
  body(index: number, direction: Direction, size: number, endOfStream: boolean): Action | StopOutcome {
    const member = this.#members[index];
    if (member.skipped || member.stream === null) return Action.Continue;
    const stream = member.stream;
    const outcome = this.#guard(member, () =>
      direction === "request" ? stream.onRequestBody(size, endOfStream) : stream.onResponseBody(size, endOfStream),
    );
    if (typeof outcome !== "number") return outcome;
    const local = stream.effects.takeLocalResponse();
    if (local) return { kind: "local_response", response: local };
    if (outcome === Action.Pause && stream.effects.takeContinue(direction)) return Action.Continue;
    return outcome;
  }

  get size(): number {
    return this.#members.length;
  }

  /** `on_done`, `on_log`, `on_delete` for every stream of the request. */
  finish(): void {
    for (const member of this.#members) member.stream?.finish();
  }

  #phase(direction: Direction, run: (stream: HttpStream) => Action, createMissing: boolean): PhaseOutcome {
    for (const member of this.#members) {
      if (member.skipped) continue;
      if (member.stream === null && createMissing) {
        const created = this.#guard(member, () => {
          member.stream = member.chain.plugin.createStream(this.#exchange);
          return Action.Continue;
        });
        if (typeof created !== "number") return created;
        if (member.skipped) continue;
      }
      const stream = member.stream!;
      const action = this.#guard(member, () => run(stream));
      if (typeof action !== "number") return action;
      if (member.skipped) continue;
      const local = stream.effects.takeLocalResponse();
      if (local) return { kind: "local_response", response: local };
      if (action === Action.Pause && !stream.effects.takeContinue(direction)) {
        // Nothing can resume a stream yet (callouts and timers come later): fail instead of hanging.
        return {
          kind: "failed",
          failure: new VmFailure("runtime", stream.vm.filter, `proxy_on_${direction}_headers`, "paused the stream, and nothing is pending that could resume it"),
        };
      }
    }
    return CONTINUE;
  }

  /** Runs guest code of one member, applying its failure policy. */
  #guard(member: Member, run: () => Action): Action | StopOutcome {
    try {
      return run();
    } catch (error) {
      const failure = error instanceof VmFailure ? error : new VmFailure("runtime", member.chain.plugin.settings.name, "host", error);
      if (member.chain.failurePolicy === "fail_open") {
        member.skipped = true;
        return Action.Continue;
      }
      return { kind: "failed", failure };
    }
  }
}
