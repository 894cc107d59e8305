/**
 * The two kinds of Proxy-Wasm context a VM hosts: a root context per plugin, and a stream
 * (HTTP context) per request through that plugin. Host calls act on one of them.
 * @module
 */
import type { HttpExchange } from "./exchange.ts";
import type { HeaderPair } from "./pairs.ts";

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
export type RootStep = "idle" | "create" | "vm_start" | "configure";

export class RootContext {
  readonly kind = "root";
  step: RootStep = "idle";
  /** Values set with `proxy_set_property` outside a request. */
  readonly filterState = new Map<string, Uint8Array>();

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

export class StreamContext {
  readonly kind = "stream";
  readonly effects = new StreamEffects();

  constructor(
    readonly id: number,
    readonly root: RootContext,
    readonly exchange: HttpExchange,
  ) {}
}

export type Context = RootContext | StreamContext;
