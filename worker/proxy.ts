/**
 * One proxied request: run the chain's request phases, fetch the service, run the response
 * phases, answer with Kong's headers. Teardown callbacks run after the response (waitUntil).
 * @module
 */
import type { LocalResponse } from "../abi/context.ts";
import { HttpExchange } from "../abi/exchange.ts";
import { HeaderMap } from "../abi/header-map.ts";
import type { RouteConfig, ServiceConfig } from "../config/model.ts";
import { upstreamPath } from "../config/upstream-path.ts";
import { BodyStopped, bodyFilter } from "./body-filter.ts";
import { ChainRun, type ChainPlugin, type StopOutcome } from "./chain.ts";
import { requestHeaderMap, responseHeaderMap, statusOf, toHeaders } from "./header-maps.ts";
import { SERVER } from "./identity.ts";
import { kongError } from "./kong-errors.ts";
import { RequestProperties, type RequestFacts } from "./properties.ts";

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
  waitUntil(promise: Promise<unknown>): void;
  log(message: string): void;
}

const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);

function serviceOrigin(service: ServiceConfig): string {
  const defaultPort = service.protocol === "https" ? 443 : 80;
  const port = service.port === defaultPort ? "" : `:${service.port}`;
  return `${service.protocol}://${service.host}${port}`;
}

/** The upstream URL: the service's origin, the route's path rules applied to the (possibly rewritten) `:path`. */
function upstreamUrl(routed: RoutedRequest, path: string): string {
  const q = path.indexOf("?");
  const pathname = q < 0 ? path : path.slice(0, q);
  const query = q < 0 ? "" : path.slice(q);
  const matched = routed.matchedPath !== null && pathname.startsWith(routed.matchedPath) ? routed.matchedPath : null;
  return serviceOrigin(routed.service) + upstreamPath(routed.route, routed.service, pathname, matched) + query;
}

function via(existing: string | null): string {
  const ours = `1.1 ${SERVER}`;
  return existing ? `${existing}, ${ours}` : ours;
}

export async function proxy(routed: RoutedRequest): Promise<Response> {
  const { request, url, requestId, receivedAt } = routed;
  const facts: RequestFacts = {
    requestId,
    receivedAt,
    protocol: "HTTP/1.1",
    clientAddress: request.headers.get("cf-connecting-ip"),
    route: routed.route,
    service: routed.service,
  };
  const properties = new RequestProperties(facts);
  const exchange = new HttpExchange(requestHeaderMap(request, url), properties);
  properties.exchange = exchange;
  const chain = new ChainRun(routed.plugins, exchange);
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    chain.finish();
  };

  try {
    const hasBody = request.body !== null;
    const requestOutcome = chain.requestHeaders(!hasBody);
    if (requestOutcome.kind !== "continue") return respondEarly(routed, chain, exchange, requestOutcome, finish);

    const headers = toHeaders(exchange.requestHeaders);
    headers.set("x-kong-request-id", requestId);
    let body: ReadableStream<Uint8Array> | null = request.body;
    if (body !== null && chain.handles("on_request_body")) {
      headers.delete("content-length");
      body = body.pipeThrough(bodyFilter(chain, exchange, "request", () => {}));
    }
    const upstreamStart = Date.now();
    let upstream: Response;
    try {
      upstream = await fetch(upstreamUrl(routed, exchange.requestHeaders.get(":path") ?? "/"), {
        method: exchange.requestHeaders.get(":method") ?? request.method,
        headers,
        body,
        redirect: "manual",
        signal: AbortSignal.timeout(routed.service.connectTimeout + routed.service.readTimeout),
      });
    } catch (error) {
      if (error instanceof BodyStopped) return respondEarly(routed, chain, exchange, error.outcome, finish);
      const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
      routed.log(`upstream request failed: ${error instanceof Error ? error.message : String(error)}`);
      finish();
      return kongError(timedOut ? "upstreamTimeout" : "badUpstreamResponse", requestId, receivedAt);
    }
    const upstreamLatency = Date.now() - upstreamStart;
    return respond(chain, exchange, upstream, finish, routed, {
      via: via(upstream.headers.get("via")),
      "x-kong-upstream-latency": String(upstreamLatency),
      "x-kong-proxy-latency": String(upstreamStart - receivedAt),
      "x-kong-request-id": requestId,
    });
  } catch (error) {
    finish();
    throw error;
  }
}

/**
 * Runs the response phases over `response` and builds what the client gets. A local response
 * from `on_response_headers` replaces the upstream's once; the replacement cannot be replaced.
 */
function respond(
  chain: ChainRun,
  exchange: HttpExchange,
  response: Response,
  finish: () => void,
  routed: RoutedRequest,
  extraHeaders: Record<string, string>,
  replaceable = true,
): Response {
  exchange.responseHeaders = responseHeaderMap(response);
  const bodyless = response.body === null || NO_BODY_STATUSES.has(response.status) || routed.request.method === "HEAD";
  const outcome = chain.responseHeaders(bodyless);
  if (outcome.kind === "local_response" && replaceable) {
    response.body?.cancel().catch(() => {});
    return localReply(chain, exchange, outcome.response, finish, routed);
  }
  if (outcome.kind === "local_response") {
    routed.log("a local response during the response to a local response is ignored");
  }
  if (outcome.kind === "failed") {
    response.body?.cancel().catch(() => {});
    routed.log(outcome.failure.message);
    finish();
    return kongError("filterFailure", routed.requestId, routed.receivedAt);
  }
  const headers = toHeaders(exchange.responseHeaders);
  for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
  let body: ReadableStream<Uint8Array> | null = bodyless ? null : response.body;
  if (body !== null && chain.handles("on_response_body")) {
    // Filters may change the body's length: the response goes out chunked.
    headers.delete("content-length");
    body = body.pipeThrough(bodyFilter(chain, exchange, "response", finish));
  } else {
    routed.waitUntil(Promise.resolve().then(finish));
  }
  return new Response(body, { status: statusOf(exchange.responseHeaders, response.status), headers });
}

/** A response produced by a filter (local response), run through the response phases like any other. */
function localReply(chain: ChainRun, exchange: HttpExchange, local: LocalResponse, finish: () => void, routed: RoutedRequest): Response {
  const headers = toHeaders(new HeaderMap(local.headers));
  if (local.body.length > 0 && !headers.has("content-type")) headers.set("content-type", "text/plain");
  const response = new Response(NO_BODY_STATUSES.has(local.status) ? null : local.body, { status: local.status, headers });
  return respond(chain, exchange, response, finish, routed, {
    server: SERVER,
    "x-kong-request-id": routed.requestId,
    "x-kong-response-latency": String(Math.max(0, Date.now() - routed.receivedAt)),
  }, false);
}

function respondEarly(
  routed: RoutedRequest,
  chain: ChainRun,
  exchange: HttpExchange,
  outcome: StopOutcome,
  finish: () => void,
): Response {
  if (outcome.kind === "local_response") return localReply(chain, exchange, outcome.response, finish, routed);
  routed.log(outcome.failure.message);
  finish();
  return kongError("filterFailure", routed.requestId, routed.receivedAt);
}
