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

/**
 * Appends the regular headers to `pairs` and hands them to a map. Iteration yields lower-case
 * names and fresh `[name, value]` arrays (a single runtime call each, about half of `forEach`'s
 * cost in workerd), so the map adopts them as they are.
 */
function withRegularHeaders(pairs: [string, string][], headers: Headers): HeaderMap {
  for (const pair of headers as unknown as Iterable<[string, string]>) if (!NOT_FORWARDED.has(pair[0])) pairs.push(pair);
  return HeaderMap.adopt(pairs);
}

export function requestHeaderMap(request: Request, url: URL): HeaderMap {
  return withRegularHeaders(
    [
      [":authority", request.headers.get("host") ?? url.host],
      [":path", pathAndQuery(url)],
      [":method", request.method],
      [":scheme", url.protocol.slice(0, -1)],
    ],
    request.headers,
  );
}

export function responseHeaderMap(response: Response): HeaderMap {
  return withRegularHeaders([[":status", String(response.status)]], response.headers);
}

/** The regular headers of a map as Workers Headers (pseudo-headers and hop-by-hop dropped). */
export function toHeaders(map: HeaderMap): Headers {
  const headers = new Headers();
  for (const [name, value] of map.pairs()) {
    if (name.charCodeAt(0) === 0x3a /* ":" */ || NOT_FORWARDED.has(name)) continue;
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
