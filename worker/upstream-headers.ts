/**
 * The headers Kong adds to the upstream request: `X-Forwarded-*`, `X-Real-IP`,
 * `X-Kong-Request-Id`, `Via` (kong-wasm-reference.md §2).
 * @module
 */
import { clientAddress, forwardedPort } from "./client-address.ts";
import { SERVER } from "./identity.ts";
import type { RoutedRequest } from "./proxy.ts";

export function addUpstreamHeaders(headers: Headers, routed: RoutedRequest): void {
  const { request, url, requestId, traceparent } = routed;
  const forwardedPrefix = routed.route.stripPath ? routed.matchedPath : null;
  // `Expect: 100-continue` is between the client and us (workerd answers it when the body is
  // read), as nginx keeps it from Kong's upstreams: forwarded, the upstream's interim 100 came
  // back as if it were the response.
  headers.delete("expect");
  const client = clientAddress(request, routed.options.clientAddress);
  if (client !== null) {
    const earlier = request.headers.get("x-forwarded-for");
    headers.set("x-forwarded-for", earlier ? `${earlier}, ${client}` : client);
    headers.set("x-real-ip", client);
  }
  const scheme = url.protocol.slice(0, -1);
  headers.set("x-forwarded-proto", scheme);
  headers.set("x-forwarded-host", url.hostname);
  headers.set("x-forwarded-port", forwardedPort(url, routed.options.listenPort));
  headers.set("x-forwarded-path", url.pathname);
  if (forwardedPrefix !== null && forwardedPrefix !== "/") headers.set("x-forwarded-prefix", forwardedPrefix);
  headers.set("x-kong-request-id", requestId);
  // The incoming tracestate travels on as it is; traceparent names this hop's span.
  headers.set("traceparent", traceparent);
  const via = request.headers.get("via");
  headers.set("via", via ? `${via}, 1.1 ${SERVER}` : `1.1 ${SERVER}`);
}
