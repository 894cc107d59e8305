/**
 * The two kinds of Proxy-Wasm context a VM hosts: a root context per plugin, and a stream
 * (HTTP context) per request through that plugin. Host calls act on one of them.
 * @module
 */
import type { HttpExchange } from "./exchange.ts";
import type { HeaderPair } from "./pairs.ts";

/** A callout dispatched by a plugin and not answered yet. */
export interface PendingCallout {
  /** The stream that was active when it was dispatched (null: a root context, e.g. from on_tick). */
  stream: StreamContext | null;
}

/** The settings of one plugin: a chain entry with its configuration. */
export interface PluginSettings {
  /** The filter name, which `plugin_name` returns and log lines carry. */
  name: string;
  /** What `plugin_root_id` returns. */
  rootId: string;
  /** The plugin configuration (`on_configure`, buffer 7). */
  configuration: Uint8Array;
  /** The VM configuration (`on_vm_start`, buffer 6). */
  vmConfiguration: Uint8Array;
}

/** Which root callback is running, deciding which configuration buffer is readable. */
export type RootStep = "idle" | "create" | "vm_start" | "configure" | "done_pending" | "deleted";

export class RootContext {
  readonly kind = "root";
  step: RootStep = "idle";
  /** Values set with `proxy_set_property` outside a request. */
  readonly filterState = new Map<string, Uint8Array>();
  /** Callouts of this plugin in flight, by token. */
  readonly callouts = new Map<number, PendingCallout>();
  /** What `proxy_get_status` answers: the outcome of the last callout delivered. */
  lastStatus: { code: number; message: string } = { code: 0, message: "" };
  /** `proxy_set_tick_period_milliseconds`; 0 = no ticks. */
  tickPeriodMs = 0;
  /** When the next tick is due, in host milliseconds. */
  nextTickAt = 0;

  constructor(
    readonly id: number,
    readonly settings: PluginSettings,
  ) {}
}

/** A local response a filter asked for with `proxy_send_local_response`. */
export interface LocalResponse {
  status: number;
  details: string;
  body: Uint8Array;
  headers: HeaderPair[];
  grpcStatus: number;
}

/** What host calls of one callback asked for; the gateway applies it after the callback returns. */
export class StreamEffects {
  localResponse: LocalResponse | null = null;
  continueRequest = false;
  continueResponse = false;
  closeRequested = false;
  /** Why a global state call of this stream failed (the request then follows failure_policy). */
  stateFailure: string | null = null;

  /** The local response asked for, handed over once. */
  takeLocalResponse(): LocalResponse | null {
    const response = this.localResponse;
    this.localResponse = null;
    return response;
  }

  /** Forgets the continue requests once the gateway has applied them. */
  takeContinue(direction: "request" | "response"): boolean {
    const requested = direction === "request" ? this.continueRequest : this.continueResponse;
    if (direction === "request") this.continueRequest = false;
    else this.continueResponse = false;
    return requested;
  }
}

/** What ends a pause: the stream continues, a local response replaces it, or it fails. */
export type ResumeOutcome = { kind: "continue" } | { kind: "local_response"; response: LocalResponse } | { kind: "failed"; reason: string };

interface Waiter {
  direction: "request" | "response";
  resolve(outcome: ResumeOutcome): void;
}

export class StreamContext {
  readonly kind = "stream";
  readonly effects = new StreamEffects();
  /** Callouts dispatched from this stream and not delivered yet (Kong resumes when it drops to 0). */
  pendingCallouts = 0;
  /** Set while the gateway waits for this paused stream to resume. */
  waiter: Waiter | null = null;

  constructor(
    readonly id: number,
    readonly root: RootContext,
    readonly exchange: HttpExchange,
  ) {}

  /**
   * Wakes the gateway if this paused stream may go on: a local response, an explicit continue
   * of the paused direction, or (Kong) the last pending callout was handled.
   */
  wake(calloutDelivered = false): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    const local = this.effects.takeLocalResponse();
    if (local !== null) return this.#resolve({ kind: "local_response", response: local });
    if (this.effects.takeContinue(waiter.direction)) return this.#resolve({ kind: "continue" });
    if (calloutDelivered && this.pendingCallouts === 0) this.#resolve({ kind: "continue" });
  }

  /** Ends a pause with a failure (the VM died, or the gateway's timeout passed). */
  fail(reason: string): void {
    this.#resolve({ kind: "failed", reason });
  }

  #resolve(outcome: ResumeOutcome): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(outcome);
  }
}

export type Context = RootContext | StreamContext;
