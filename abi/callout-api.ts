/**
 * What the ABI layer needs from its embedder to make HTTP callouts (`proxy_http_call`): someone
 * who checks the target and sends the request. The gateway decides which targets exist.
 * @module
 */
import type { HttpExchange } from "./exchange.ts";
import type { HeaderPair } from "./pairs.ts";
import type { Status } from "./types.ts";

export interface CalloutRequest {
  /** The upstream argument: a service name (Envoy cluster style) or `host[:port]` (Kong style). */
  upstream: string;
  /** Pseudo-headers `:method`, `:path`, `:authority`, `:scheme` and regular headers. */
  headers: HeaderPair[];
  body: Uint8Array;
  trailers: HeaderPair[];
  /** 0 = no timeout of the filter's own (the gateway's maximum applies). */
  timeoutMs: number;
}

export interface CalloutResponse {
  /** Starts with `:status`. */
  headers: HeaderPair[];
  body: Uint8Array;
  trailers: HeaderPair[];
}

/** How a callout ended: a response, or why there is none (Kong's `:dispatch_status` words). */
export type CalloutResult =
  | { ok: true; response: CalloutResponse }
  | { ok: false; reason: "timeout" | "broken connection" | "tls handshake failure" | "resolver failure" };

export interface CalloutHost {
  /**
   * Sends a callout. Answers a Status synchronously when the request is refused (an unknown or
   * forbidden target: BadArgument), else a promise of its result. `from` is the request whose
   * stream made the call (null for a root context's call, e.g. from `on_tick`), so the callout
   * can carry that request's trace.
   */
  send(request: CalloutRequest, from: HttpExchange | null): Status | Promise<CalloutResult>;
}
