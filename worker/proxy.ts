/**
 * One proxied request: run the chain's request phases, fetch the service, run the response
 * phases, answer with Kong's headers. Teardown callbacks run as soon as the response is built,
 * before the handler returns it, also when the request ended early; a body that streams through
 * filters tears down at its end. (V8 drains the microtask queue before workerd's event loop
 * writes the response, so a microtask or a `waitUntil` would not send it any sooner; both cost
 * CPU per request.)
 * @module
 */
import type { LocalResponse } from "../abi/context.ts";
import { VmFailure } from "../abi/errors.ts";
import { HttpExchange } from "../abi/exchange.ts";
import { HeaderMap } from "../abi/header-map.ts";
import type { RouteConfig, ServiceConfig } from "../config/model.ts";
import { escapePath, normalizePath } from "../config/path-normalize.ts";
import { upstreamPath } from "../config/upstream-path.ts";
import { clientAddress } from "./client-address.ts";
import { BodyStopped, filterDeferredBody, filteredBody, filterWholeBody, onDemandBody, wholeBodyLength } from "./body-filter.ts";
import { ChainRun, type ChainPlugin, type StopOutcome } from "./chain.ts";
import { forwardedHeaders, requestHeaderMap, responseHeaderMap, statusOf, toHeaders } from "./header-maps.ts";
import { SERVER } from "./identity.ts";
import { kongError, kongErrorWithMessage } from "./kong-errors.ts";
import type { GatewayOptions } from "./options.ts";
import { RequestProperties, type RequestFacts } from "./properties.ts";
import { pathAndQuery } from "./request-target.ts";
import { preserveHostBinding, serviceOrigin } from "./service-origin.ts";
import { UpstreamDeadline } from "./upstream-deadline.ts";
import { addUpstreamHeaders } from "./upstream-headers.ts";

/** Everything routing decided for one request. */
export interface RoutedRequest {
  request: Request;
  url: URL;
  route: RouteConfig;
  service: ServiceConfig;
  /** The prefix or regex match of the route's path, for `strip_path`. */
  matchedPath: string | null;
  plugins: ChainPlugin[];
  requestId: string;
  receivedAt: number;
  options: GatewayOptions;
  log(message: string): void;
  /** The W3C `traceparent` the upstream gets (worker/trace-context.ts). */
  traceparent: string;
  /** Keeps the request's context alive for work after the response (global state teardown). */
  waitUntil(promise: Promise<unknown>): void;
  /**
   * An in-app handler in place of the service (the `proxyWasm()` middleware's `next()`): it gets
   * the request as the filters left it, without Kong's upstream headers, and its response goes
   * through the response phases without Kong's `Via` and latency headers. Errors it throws are
   * the app's, not a 502.
   */
  handler?: AppHandler;
}

/** What {@link RoutedRequest.handler} is. */
export type AppHandler = (request: Request) => Promise<Response>;

const NO_HEADERS: Record<string, string> = {};

const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * The upstream URL: the service's origin, the route's path rules applied to the (possibly
 * rewritten) `:path` once normalised as the router saw it, escaped as Kong escapes it.
 */
function upstreamUrl(routed: RoutedRequest, path: string, origin: string): string {
  const q = path.indexOf("?");
  const pathname = normalizePath(q < 0 ? path : path.slice(0, q));
  const query = q < 0 ? "" : path.slice(q);
  const matched = routed.matchedPath !== null && pathname.startsWith(routed.matchedPath) ? routed.matchedPath : null;
  return origin + escapePath(upstreamPath(routed.route, routed.service, pathname, matched)) + query;
}

/**
 * Where the upstream request goes: the service's origin, or with `preserve_host` and the
 * outbound binding `serve` generates, the client's host in the URL (so in `Host`) while the
 * binding connects to the service's address. Without the binding (Cloudflare) the service's
 * host it is: a worker's `fetch` cannot set `Host`.
 */
function upstreamTarget(routed: RoutedRequest): { origin: string; through: Fetcher | null } {
  const { route, service, request, url } = routed;
  const through = route.preserveHost && service.protocol === "http" ? routed.options.upstreamBinding(preserveHostBinding(service)) : null;
  if (through === null) return { origin: serviceOrigin(service), through: null };
  return { origin: `http://${request.headers.get("host") ?? url.host}`, through };
}

/** Whether this isolate checked once that its requests' signals can fire (`enable_request_signal`). */
let signalChecked = false;

/** Says once per isolate when workerd reports `enable_request_signal` off: then nothing ends a cancelled request's streams. */
function checkRequestSignal(routed: RoutedRequest): void {
  signalChecked = true;
  const flags = (globalThis as { Cloudflare?: { compatibilityFlags?: Record<string, boolean> } }).Cloudflare?.compatibilityFlags;
  if (flags?.enable_request_signal === false) {
    routed.log(
      'the worker runs without the compatibility flag "enable_request_signal": when a client goes away, ' +
        "its filters' streams never get on_done, on_log, on_delete (docs/filter-authors.md)",
    );
  }
}

/**
 * A request's chain with its teardown, which runs exactly once: at the end of the request, or
 * when its client goes away first. A cancelled request's own continuations never run again
 * (workerd tears its I/O context down), so the teardown cannot wait for them: the request's
 * `signal` (compatibility flag `enable_request_signal`) fires `abort` when the client
 * disconnects, and the flight is its `onabort` handler while the request runs: cheaper than
 * an event listener pair (bench/request-signal-cost.ts). A handler some other code set first is
 * left alone, and then so is the signal.
 */
class Flight {
  readonly chain: ChainRun;
  readonly exchange: HttpExchange;
  #finished = false;
  /** The request's signal while this flight is its `onabort` handler. */
  #signal: AbortSignal | null = null;

  constructor(
    readonly routed: RoutedRequest,
    exchange: HttpExchange,
  ) {
    this.exchange = exchange;
    this.chain = new ChainRun(routed.plugins, exchange, routed.options.pauseTimeoutMs);
    // Without the flag `signal` never aborts (docs/filter-authors.md, "When the client goes away").
    if (!signalChecked) checkRequestSignal(routed);
    const signal = routed.request.signal;
    if (signal && signal.onabort === null) {
      signal.onabort = this.#cancel;
      this.#signal = signal;
    }
  }

  finish = (): void => {
    if (this.#finished) return;
    this.#finished = true;
    // A handler left on the request's signal costs CPU after the response; cleared, it costs little.
    if (this.#signal !== null && this.#signal.onabort === this.#cancel) this.#signal.onabort = null;
    this.#waitFor(this.chain.finish());
  };

  /**
   * The client went away: teardown now, and the rest of the request stops (ChainRun.cancel).
   * What still waits (a callback suspended in a body read, teardown queued behind it) goes to
   * `waitUntil`, which keeps the request's I/O alive until it ends.
   */
  readonly #cancel = (): void => {
    if (this.#finished) return;
    this.#finished = true;
    this.#waitFor(this.chain.cancel());
  };

  #waitFor(pending: void | Promise<unknown>): void {
    if (pending) this.routed.waitUntil(pending.catch(() => undefined));
  }

  /** Tears down, then hands `response` on. */
  finishWith(response: Response): Response {
    this.finish();
    return response;
  }

  /** A gateway error response for a stop; teardown follows. */
  fail(outcome: Exclude<StopOutcome, { kind: "local_response" }> | { kind: "too_large"; limit: number }, direction: "request" | "response"): Response {
    return this.finishWith(this.#failure(outcome, direction));
  }

  #failure(outcome: Exclude<StopOutcome, { kind: "local_response" }> | { kind: "too_large"; limit: number }, direction: "request" | "response"): Response {
    const { routed } = this;
    switch (outcome.kind) {
      case "failed":
        routed.log(outcome.failure.message);
        return kongError("filterFailure", routed.requestId, routed.receivedAt);
      case "timed_out":
        routed.log(`filter "${outcome.filter}" paused the ${direction} and did not resume it within ${outcome.ms} ms`);
        return kongErrorWithMessage(504, "A filter paused the request and did not resume it in time", routed.requestId, routed.receivedAt);
      case "cancelled":
        // Nobody reads it: the client went away (nginx and Kong log such requests as 499).
        return kongErrorWithMessage(499, "The client went away", routed.requestId, routed.receivedAt);
      case "closed":
        // Envoy resets the stream; a worker cannot reset its client's connection, so it says so.
        routed.log(`filter "${outcome.filter}" closed the stream (proxy_close_stream)`);
        return kongErrorWithMessage(502, "The request was closed by a filter", routed.requestId, routed.receivedAt);
      case "too_large":
        routed.log(`a filter buffered more than ${outcome.limit} bytes of the ${direction} body`);
        return direction === "request"
          ? kongErrorWithMessage(413, "Request size limit exceeded", routed.requestId, routed.receivedAt)
          : kongError("badUpstreamResponse", routed.requestId, routed.receivedAt);
    }
  }
}

function timedOut(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/**
 * Fetches the upstream within the service's deadline (also aborted by `abortOn`, when given);
 * a connection failure is retried up to the service's `retries` (Kong's default 5) when the
 * request can be sent again, i.e. it has no body or a body held in memory. A timeout is not
 * retried.
 */
async function fetchUpstream(
  url: string,
  init: RequestInit,
  service: ServiceConfig,
  abortOn: AbortSignal | null = null,
  through: Fetcher | null = null,
): Promise<Response> {
  const replayable = init.body === null || init.body === undefined || init.body instanceof Uint8Array;
  const deadline = new UpstreamDeadline(service);
  const signal = abortOn === null ? deadline.signal : AbortSignal.any([abortOn, deadline.signal]);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        return await (through === null ? fetch(url, { ...init, signal }) : through.fetch(url, { ...init, signal }));
      } catch (error) {
        if (!replayable || attempt >= service.retries || timedOut(error)) throw error;
      }
    }
  } finally {
    deadline.clear();
  }
}

/** The upstream failed: Kong's 502, or 504 when it timed out. */
function upstreamError(routed: RoutedRequest, error: unknown): Response {
  routed.log(`upstream request failed: ${error instanceof Error ? error.message : String(error)}`);
  return kongError(timedOut(error) ? "upstreamTimeout" : "badUpstreamResponse", routed.requestId, routed.receivedAt);
}

/** Kong's headers on a proxied response: `Via`, the two latencies, the request id. */
function proxiedResponseHeaders(upstream: Response, routed: RoutedRequest, upstreamStart: number, upstreamEnd: number): Record<string, string> {
  const via = upstream.headers.get("via");
  return {
    via: via ? `${via}, 1.1 ${SERVER}` : `1.1 ${SERVER}`,
    "x-kong-upstream-latency": String(upstreamEnd - upstreamStart),
    "x-kong-proxy-latency": String(upstreamStart - routed.receivedAt),
    "x-kong-request-id": routed.requestId,
  };
}

/**
 * A route without filters: no exchange, no header maps, the bodies stay native streams
 * (like Hono's single-handler path, nothing is built that nobody reads).
 */
export async function passthrough(routed: RoutedRequest): Promise<Response> {
  const { request, url } = routed;
  const headers = forwardedHeaders(request.headers);
  addUpstreamHeaders(headers, routed);
  const upstreamStart = Date.now();
  let upstream: Response;
  const target = upstreamTarget(routed);
  try {
    upstream = await fetchUpstream(
      upstreamUrl(routed, pathAndQuery(url), target.origin),
      { method: request.method, headers, body: request.body, redirect: "manual" },
      routed.service,
      null,
      target.through,
    );
  } catch (error) {
    return upstreamError(routed, error);
  }
  const response = new Response(upstream.body, upstream);
  for (const [name, value] of Object.entries(proxiedResponseHeaders(upstream, routed, upstreamStart, Date.now()))) response.headers.set(name, value);
  return response;
}

export async function proxy(routed: RoutedRequest): Promise<Response> {
  const { request, url, requestId, receivedAt } = routed;
  const facts: RequestFacts = {
    requestId,
    receivedAt,
    protocol: "HTTP/1.1",
    clientAddress: clientAddress(request, routed.options.clientAddress),
    traceparent: routed.traceparent,
    route: routed.route,
    service: routed.service,
  };
  const properties = new RequestProperties(facts);
  const exchange = new HttpExchange(requestHeaderMap(request, url), properties);
  properties.exchange = exchange;
  const flight = new Flight(routed, exchange);
  try {
    const requested = flight.chain.requestHeaders(request.body === null);
    // Awaited only when a filter paused: each await of a plain value is a turn of the microtask queue.
    const requestOutcome = requested instanceof Promise ? await requested : requested;
    if (requestOutcome.kind === "local_response") return localReply(flight, requestOutcome.response);
    if (requestOutcome.kind !== "continue") return flight.fail(requestOutcome, "request");

    const headers = toHeaders(exchange.requestHeaders);
    const { handler } = routed;
    if (handler === undefined) addUpstreamHeaders(headers, routed);
    let body: ReadableStream<Uint8Array> | Uint8Array | null = request.body;
    let bodyAbort: AbortController | null = null;
    const stop: { body: BodyStopped | null } = { body: null };
    if (request.body !== null && flight.chain.handles("on_request_body")) {
      headers.delete("content-length");
      if (wholeBodyLength(request.headers) !== null) {
        try {
          body = await filterWholeBody(flight.chain, exchange, "request", new Uint8Array(await request.arrayBuffer()), routed.options.bodyBufferLimit);
        } catch (error) {
          if (!(error instanceof BodyStopped)) throw error;
          return stopped(flight, error, "request");
        }
      } else {
        // A stopped request body must abort the upstream request, or the upstream could take
        // the part it got for the whole request.
        const abort = new AbortController();
        bodyAbort = abort;
        body = filteredBody(request.body, flight.chain, exchange, "request", {
          bufferLimit: routed.options.bodyBufferLimit,
          onEnd: () => {},
          onStop: (stopped) => {
            stop.body = stopped;
            abort.abort();
          },
        });
      }
    }
    const method = exchange.requestHeaders.get(":method") ?? request.method;
    if (handler !== undefined) {
      const answer = await handler(appRequest(url, exchange, method, headers, bodyAbort ? failedWhenStopped(body as ReadableStream<Uint8Array>, bodyAbort.signal) : body));
      if (stop.body !== null) return stopped(flight, stop.body, "request");
      return await respond(flight, answer, NO_HEADERS);
    }
    const upstreamStart = Date.now();
    let upstream: Response;
    const target = upstreamTarget(routed);
    try {
      upstream = await fetchUpstream(
        upstreamUrl(routed, exchange.requestHeaders.get(":path") ?? "/", target.origin),
        { method, headers, body, redirect: "manual" },
        routed.service,
        bodyAbort?.signal ?? null,
        target.through,
      );
    } catch (error) {
      if (stop.body !== null) return stopped(flight, stop.body, "request");
      return flight.finishWith(upstreamError(routed, error));
    }
    return await respond(flight, upstream, proxiedResponseHeaders(upstream, routed, upstreamStart, Date.now()));
  } catch (error) {
    flight.finish();
    throw error;
  }
}

/**
 * The request an in-app handler gets: the filters' method and headers, their `:path` on the
 * client's origin, and `:authority` as `Host` (a handler reads the host from its headers).
 */
function appRequest(url: URL, exchange: HttpExchange, method: string, headers: Headers, body: BodyInit | null): Request {
  const authority = exchange.requestHeaders.get(":authority");
  if (authority !== undefined) headers.set("host", authority);
  return new Request(url.origin + (exchange.requestHeaders.get(":path") ?? "/"), { method, headers, body });
}

/**
 * A streamed request body for an in-app handler: where a filter stopped it, it ends in an error,
 * not as if it were complete (as the upstream's fetch is aborted), so the handler never acts on
 * part of a body for the whole of it.
 */
function failedWhenStopped(body: ReadableStream<Uint8Array>, stopped: AbortSignal): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      flush(controller) {
        if (stopped.aborted) controller.error(new Error("a filter stopped the request body"));
      },
    }),
  );
}

/**
 * Runs the response phases over `response` and builds what the client gets. A local response
 * from `on_response_headers` replaces the upstream's once; the replacement cannot be replaced.
 */
async function respond(flight: Flight, response: Response, extraHeaders: Record<string, string>, replaceable = true): Promise<Response> {
  const { routed, exchange, chain } = flight;
  exchange.responseHeaders = responseHeaderMap(response);
  const bodyless = response.body === null || NO_BODY_STATUSES.has(response.status) || routed.request.method === "HEAD";
  const responded = chain.responseHeaders(bodyless);
  const outcome = responded instanceof Promise ? await responded : responded;
  if (outcome.kind === "local_response" && replaceable) {
    response.body?.cancel().catch(() => {});
    return localReply(flight, outcome.response);
  }
  if (outcome.kind === "local_response") routed.log("a local response while answering a local response is ignored");
  else if (outcome.kind !== "continue") {
    response.body?.cancel().catch(() => {});
    return flight.fail(outcome, "response");
  }
  const headers = toHeaders(exchange.responseHeaders);
  for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
  const status = statusOf(exchange.responseHeaders, response.status);
  if (bodyless || response.body === null || !chain.handles("on_response_body")) {
    return flight.finishWith(new Response(bodyless ? null : response.body, { status, headers }));
  }
  const wholeLength = wholeBodyLength(response.headers);
  if (wholeLength !== null) {
    let bytes: Uint8Array | null;
    try {
      // A local response's body is in memory already (and its content-length is what a filter said).
      const filtered = replaceable && chain.defersBodies("on_response_body") && !encoded(response)
        ? filterDeferredBody(chain, exchange, "response", onDemandBody(wholeLength, () => response.arrayBuffer()), routed.options.bodyBufferLimit, !replaceable)
        : filterWholeBody(chain, exchange, "response", new Uint8Array(await response.arrayBuffer()), routed.options.bodyBufferLimit, !replaceable);
      bytes = filtered instanceof Promise ? await filtered : filtered;
    } catch (error) {
      if (!response.bodyUsed) response.body.cancel().catch(() => {});
      if (!(error instanceof BodyStopped)) throw error;
      if (error.outcome.kind === "local_response" && replaceable) return localReply(flight, error.outcome.response);
      return stopped(flight, error, "response");
    }
    // The whole body is known before the headers go out: its length is exact, whatever filters did.
    headers.set("content-length", String(bytes?.length ?? wholeLength));
    return flight.finishWith(new Response(bytes ?? response.body, { status, headers }));
  }
  // Filters may change the rest of the body as it streams: it goes out chunked.
  headers.delete("content-length");
  const filtered = filteredBody(response.body, chain, exchange, "response", {
    bufferLimit: routed.options.bodyBufferLimit,
    ignoreLocalResponses: !replaceable,
    onEnd: flight.finish,
  });
  return new Response(filtered, { status, headers });
}

/**
 * Whether the body is content-encoded: the runtime decodes it when read, so its `content-length`
 * is not the size a filter would get; such a body is read before the callbacks, which are told
 * the decoded size.
 */
function encoded(response: Response): boolean {
  const encoding = response.headers.get("content-encoding");
  return encoding !== null && encoding.toLowerCase() !== "identity";
}

/** The response for a body that stopped before anything of it was sent. */
function stopped(flight: Flight, stop: BodyStopped, direction: "request" | "response"): Response | Promise<Response> {
  const { outcome } = stop;
  if (outcome.kind === "local_response") {
    if (direction === "request") return localReply(flight, outcome.response);
    const failure = new VmFailure("runtime", "chain", "proxy_on_response_body", "a local response while answering a local response");
    return flight.fail({ kind: "failed", failure }, "response");
  }
  return flight.fail(outcome, direction);
}

/** A response produced by a filter (local response), run through the response phases like any other. */
function localReply(flight: Flight, local: LocalResponse): Promise<Response> {
  const { routed } = flight;
  const headers = toHeaders(new HeaderMap(local.headers));
  if (local.body.length > 0 && !headers.has("content-type")) headers.set("content-type", "text/plain");
  const response = new Response(NO_BODY_STATUSES.has(local.status) ? null : local.body, { status: local.status, headers });
  return respond(
    flight,
    response,
    {
      server: SERVER,
      "x-kong-request-id": routed.requestId,
      "x-kong-response-latency": String(Math.max(0, Date.now() - routed.receivedAt)),
    },
    false,
  );
}
