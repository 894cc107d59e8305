/**
 * Conversions between Workers Headers and the header maps filters see: pseudo-headers first
 * (`:method`, `:path`, `:authority`, `:scheme` for requests, `:status` for responses), then the
 * regular headers in lower case, without hop-by-hop headers.
 * @module
 */
import { HeaderMap } from "../abi/header-map.ts";

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

/** How many entries `regularHeaders` returns, without building them. */
function regularCount(headers: Headers): number {
  let count = 0;
  headers.forEach((_value, name) => {
    if (!NOT_FORWARDED.has(name)) count++;
  });
  return count;
}

/**
 * A map over `headers` after `front`: the regular headers are read from the native Headers only
 * when a filter first looks at them (Workers Headers names are already lower case).
 */
function lazyMap(front: [string, string][], headers: Headers): HeaderMap {
  return HeaderMap.lazy({ front, count: () => regularCount(headers), load: () => regularHeaders(headers) });
}

export function requestHeaderMap(request: Request, url: URL): HeaderMap {
  return lazyMap(
    [
      [":authority", request.headers.get("host") ?? url.host],
      [":path", url.pathname + url.search],
      [":method", request.method],
      [":scheme", url.protocol.slice(0, -1)],
    ],
    request.headers,
  );
}

export function responseHeaderMap(response: Response): HeaderMap {
  return lazyMap([[":status", String(response.status)]], response.headers);
}

/**
 * The regular headers of a map as Workers Headers (pseudo-headers and hop-by-hop dropped).
 * `source` is the Headers a lazy map was built from: while no filter wrote to the map, a native
 * copy of it is the same headers, without a JS round trip per header.
 */
export function toHeaders(map: HeaderMap, source?: Headers): Headers {
  if (source !== undefined && map.pristine) return forwardedHeaders(source);
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
