/**
 * One HTTP request/response as the filters of its chain see it: header maps, body buffers and
 * the phase it is in. Every plugin's stream of a request shares the same exchange, so a filter
 * sees what earlier filters changed.
 * @module
 */
import { HeaderMap } from "./header-map.ts";
import type { PropertySource } from "./host-api.ts";
import { MapType } from "./types.ts";

/** Which callback the exchange is in; decides which maps and buffers exist and which are writable. */
export type Phase =
  | "request_headers"
  | "request_body"
  | "request_trailers"
  | "response_headers"
  | "response_body"
  | "response_trailers"
  | "log";

/**
 * A whole body not read yet: its size is known (the `content-length`), its bytes are read only
 * when a filter asks for them, so a body no filter touches goes on as the runtime's stream.
 */
export interface DeferredBody {
  readonly size: number;
  read(): Promise<Uint8Array>;
}

export type BodyDirection = "request" | "response";

export class HttpExchange {
  readonly requestHeaders: HeaderMap;
  requestTrailers: HeaderMap | null = null;
  responseHeaders: HeaderMap | null = null;
  responseTrailers: HeaderMap | null = null;
  /** The request body bytes the current filter can see (the chunk, or all it has buffered). */
  requestBody: Uint8Array | null = null;
  responseBody: Uint8Array | null = null;
  /** A body whose bytes are not read yet; the body buffer host calls read it on demand. */
  deferredRequestBody: DeferredBody | null = null;
  deferredResponseBody: DeferredBody | null = null;
  /** Why reading a deferred body failed, once it did. */
  bodyReadFailure: unknown = null;
  phase: Phase = "request_headers";
  /** In a body phase: whether the current callback has the body's last bytes (end_of_stream). */
  bodyEnded = false;
  /** Values filters stored with `proxy_set_property`, by dotted path (Envoy's filter state). */
  readonly filterState = new Map<string, Uint8Array>();

  constructor(
    requestHeaders: HeaderMap,
    readonly properties: PropertySource,
  ) {
    this.requestHeaders = requestHeaders;
  }

  deferredBody(direction: BodyDirection): DeferredBody | null {
    return direction === "request" ? this.deferredRequestBody : this.deferredResponseBody;
  }

  /**
   * Reads the deferred body of `direction` into its buffer. Resolves false when reading failed
   * (the failure is kept in `bodyReadFailure`); never rejects.
   */
  async readDeferredBody(direction: BodyDirection): Promise<boolean> {
    const deferred = this.deferredBody(direction);
    if (deferred === null) return true;
    let bytes: Uint8Array;
    try {
      bytes = await deferred.read();
    } catch (error) {
      this.bodyReadFailure ??= error;
      return false;
    }
    if (this.deferredBody(direction) !== deferred) return true;
    if (direction === "request") {
      this.deferredRequestBody = null;
      this.requestBody = bytes;
    } else {
      this.deferredResponseBody = null;
      this.responseBody = bytes;
    }
    return true;
  }

  /** The map of `type` as filters may read it now; null when the request has no such map (yet). */
  readableMap(type: MapType): HeaderMap | null {
    switch (type) {
      case MapType.HttpRequestHeaders:
        return this.requestHeaders;
      case MapType.HttpRequestTrailers:
        return this.requestTrailers;
      case MapType.HttpResponseHeaders:
        return this.responseHeaders;
      case MapType.HttpResponseTrailers:
        return this.responseTrailers;
      default:
        return null;
    }
  }

  /**
   * The map of `type` if filters may change it in the current phase. Request headers stay
   * readable in response phases but read-only (DESIGN.md). Trailers may be added at the last
   * body callback of their direction, as Envoy allows (its map is created then).
   */
  writableMap(type: MapType): HeaderMap | null {
    switch (type) {
      case MapType.HttpRequestHeaders:
        return this.phase === "request_headers" ? this.requestHeaders : null;
      case MapType.HttpRequestTrailers:
        if (this.phase === "request_body" && this.bodyEnded) this.requestTrailers ??= new HeaderMap([]);
        return this.phase === "request_trailers" || this.phase === "request_body" ? this.requestTrailers : null;
      case MapType.HttpResponseHeaders:
        return this.phase === "response_headers" ? this.responseHeaders : null;
      case MapType.HttpResponseTrailers:
        if (this.phase === "response_body" && this.bodyEnded) this.responseTrailers ??= new HeaderMap([]);
        return this.phase === "response_trailers" || this.phase === "response_body" ? this.responseTrailers : null;
      default:
        return null;
    }
  }
}
