/**
 * Responses the gateway produces itself, with Kong's status codes and JSON bodies
 * (`{"message": ..., "request_id": ...}`, kong-wasm-reference.md §2).
 * @module
 */
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
