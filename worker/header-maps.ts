/**
 * Conversions between Workers Headers and the header maps filters see: pseudo-headers first
 * (`:method`, `:path`, `:authority`, `:scheme` for requests, `:status` for responses), then the
 * regular headers in lower case, without hop-by-hop headers.
 * @module
 */
import { HeaderMap } from "../abi/header-map.ts";
import { pathAndQuery } from "./request-target.ts";

/** Hop-by-hop headers (RFC 9110 §7.6.1) never cross the proxy; `host` travels as `:authority`. */
const NOT_FORWARDED = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "te",
  "transfer-encoding",
  "upgrade",
  "host",
]);

function regularHeaders(headers: Headers): [string, string][] {
  const pairs: [string, string][] = [];
  headers.forEach((value, name) => {
    if (!NOT_FORWARDED.has(name)) pairs.push([name, value]);
  });
  return pairs;
}

export function requestHeaderMap(request: Request, url: URL): HeaderMap {
  return new HeaderMap([
    [":authority", request.headers.get("host") ?? url.host],
    [":path", pathAndQuery(url)],
    [":method", request.method],
    [":scheme", url.protocol.slice(0, -1)],
    ...regularHeaders(request.headers),
  ]);
}

export function responseHeaderMap(response: Response): HeaderMap {
  return new HeaderMap([[":status", String(response.status)], ...regularHeaders(response.headers)]);
}

/** The regular headers of a map as Workers Headers (pseudo-headers and hop-by-hop dropped). */
export function toHeaders(map: HeaderMap): Headers {
  const headers = new Headers();
  for (const [name, value] of map.pairs()) {
    if (name.startsWith(":") || NOT_FORWARDED.has(name)) continue;
    try {
      headers.append(name, value);
    } catch {
      // A name or value fetch refuses (filters can set anything): dropped, not fatal.
      console.warn(`[proxy-wasm] dropped invalid header ${JSON.stringify(name)}`);
    }
  }
  return headers;
}

/** A copy of `headers` without hop-by-hop headers, for a request no filter looks at. */
export function forwardedHeaders(headers: Headers): Headers {
  const copy = new Headers(headers);
  for (const name of NOT_FORWARDED) copy.delete(name);
  return copy;
}

/** The status a response map carries, or `fallback` when a filter removed or broke `:status`. */
export function statusOf(map: HeaderMap, fallback: number): number {
  const status = Number(map.get(":status"));
  return Number.isInteger(status) && status >= 200 && status <= 599 ? status : fallback;
}
