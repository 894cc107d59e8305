/**
 * Responses the gateway produces itself, with Kong's status codes and JSON bodies
 * (`{"message": ..., "request_id": ...}`, kong-wasm-reference.md §2).
 * @module
 */
import type { RouteConfig } from "../config/model.ts";
import { SERVER } from "./identity.ts";

export const KONG_MESSAGES = {
  noRoute: [404, "no Route matched with those values"],
  noService: [503, "no Service found with those values"],
  filterFailure: [500, "An unexpected error occurred"],
  badUpstreamResponse: [502, "An invalid response was received from the upstream server"],
  upstreamTimeout: [504, "The upstream server is timing out"],
} as const satisfies Record<string, readonly [number, string]>;

export type KongError = keyof typeof KONG_MESSAGES;

/** A gateway-generated error response, timed from `startedAt` (ms) for `X-Kong-Response-Latency`. */
export function kongError(error: KongError, requestId: string, startedAt: number): Response {
  const [status, message] = KONG_MESSAGES[error];
  return kongErrorWithMessage(status, message, requestId, startedAt);
}

/** The same shape with a status and message of our own, for cases Kong has no message for. */
export function kongErrorWithMessage(status: number, message: string, requestId: string, startedAt: number): Response {
  return new Response(JSON.stringify({ message, request_id: requestId }), {
    status,
    headers: {
      "content-type": "application/json; charset=utf-8",
      server: SERVER,
      "x-kong-request-id": requestId,
      "x-kong-response-latency": String(Math.max(0, Date.now() - startedAt)),
    },
  });
}

/**
 * An http request to a route that takes https only: Kong's 426 "Please use HTTPS protocol", or the
 * route's redirect (`https_redirect_status_code` 301, 302, 307, 308) to the same URL over https.
 */
export function httpsRequired(route: RouteConfig, url: URL, requestId: string, startedAt: number): Response {
  if (route.httpsRedirectStatusCode === 426) {
    const response = kongErrorWithMessage(426, "Please use HTTPS protocol", requestId, startedAt);
    response.headers.set("connection", "Upgrade");
    response.headers.set("upgrade", "TLS/1.2, HTTP/1.1");
    return response;
  }
  const target = new URL(url);
  target.protocol = "https:";
  const response = kongErrorWithMessage(route.httpsRedirectStatusCode, "Moved", requestId, startedAt);
  response.headers.set("location", target.href);
  return response;
}
