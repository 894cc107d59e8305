import { describe, expect, it } from "vitest";
import { HttpExchange } from "../../../abi/exchange.ts";
import { HeaderMap } from "../../../abi/header-map.ts";
import { encodePairs } from "../../../abi/pairs.ts";
import { MapType } from "../../../abi/types.ts";
import { requestHeaderMap, responseHeaderMap, statusOf, toHeaders } from "../../../worker/header-maps.ts";

const noProperties = { get: () => undefined } as unknown as ConstructorParameters<typeof HttpExchange>[1];

function clientRequest(): Request {
  const headers = new Headers();
  headers.append("Accept", "*/*");
  headers.append("X-Dup", "one");
  headers.append("x-dup", "two");
  headers.append("connection", "keep-alive");
  headers.append("keep-alive", "timeout=5");
  headers.append("te", "trailers");
  headers.append("x-name", "\u00c3\u00a9"); // "é" sent as UTF-8, as Workers give it
  headers.append("cookie", "a=1");
  return new Request("https://example.com/a?b=c", { headers });
}

/** The map as the eager implementation built it: pseudo-headers, then every forwarded header. */
function eagerPairs(request: Request): [string, string][] {
  const pairs: [string, string][] = [
    [":authority", "example.com"],
    [":path", "/a?b=c"],
    [":method", "GET"],
    [":scheme", "https"],
  ];
  const hop = new Set(["connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade", "host"]);
  request.headers.forEach((value, name) => {
    if (!hop.has(name)) pairs.push([name, value]);
  });
  return pairs;
}

function entries(headers: Headers): [string, string][] {
  const out: [string, string][] = [];
  headers.forEach((value, name) => out.push([name, value]));
  return out;
}

describe("lazy header maps", () => {
  it("count (on_request_headers' num_headers) is exact without building the map", () => {
    let loads = 0;
    const request = clientRequest();
    const map = HeaderMap.lazy({
      front: [[":method", "GET"]],
      count: () => 2,
      load: () => {
        loads++;
        return [["a", "1"], ["b", "2"]];
      },
    });
    expect(map.count).toBe(3);
    expect(map.get(":method")).toBe("GET");
    expect(loads).toBe(0);
    expect(map.pairs()).toEqual([[":method", "GET"], ["a", "1"], ["b", "2"]]);
    expect(loads).toBe(1);

    const lazy = requestHeaderMap(request, new URL(request.url));
    const expected = eagerPairs(request);
    expect(lazy.count).toBe(expected.length);
    expect(lazy.pairs()).toEqual(expected);
    expect(lazy.count).toBe(expected.length);
    expect(lazy.pristine).toBe(true);
  });

  it("an untouched map forwards every header byte-exact, hop-by-hop dropped", () => {
    const request = clientRequest();
    const map = requestHeaderMap(request, new URL(request.url));
    const eager = toHeaders(new HeaderMap(eagerPairs(request)));
    const forwarded = toHeaders(map, request.headers);
    expect(entries(forwarded)).toEqual(entries(eager));
    expect(forwarded.get("x-name")).toBe("\u00c3\u00a9");
    expect(forwarded.has("connection")).toBe(false);
    expect(forwarded.has("te")).toBe(false);
    // Read but not written: still the native copy, still the same headers.
    expect(map.get("x-dup")).toBe("one, two");
    expect(entries(toHeaders(map, request.headers))).toEqual(entries(eager));
    expect([...encodePairs(map.pairs())]).toEqual([...encodePairs(eagerPairs(request))]);
  });

  it("a written map is converted from its entries, not copied from the source", () => {
    const request = clientRequest();
    const map = requestHeaderMap(request, new URL(request.url));
    map.replace("x-dup", "three");
    map.remove("cookie");
    map.add("X-New", "yes");
    expect(map.pristine).toBe(false);
    const headers = toHeaders(map, request.headers);
    expect(headers.get("x-dup")).toBe("three");
    expect(headers.has("cookie")).toBe(false);
    expect(headers.get("x-new")).toBe("yes");
    expect(headers.get("x-name")).toBe("\u00c3\u00a9");
    expect(map.count).toBe(eagerPairs(request).length);

    const replaced = requestHeaderMap(request, new URL(request.url));
    replaced.setAll([["x-only", "1"], [":path", "/b"]]);
    expect(replaced.pairs()).toEqual([[":path", "/b"], ["x-only", "1"]]);
    expect(replaced.count).toBe(2);
    expect(entries(toHeaders(replaced, request.headers))).toEqual([["x-only", "1"]]);
  });

  it("a response map first touched in a late phase reads the upstream headers, read-only", () => {
    const upstream = new Response("hi", { status: 201, headers: [["content-type", "text/plain"], ["set-cookie", "a=1"], ["set-cookie", "b=2"], ["transfer-encoding", "chunked"]] });
    const request = clientRequest();
    const exchange = new HttpExchange(requestHeaderMap(request, new URL(request.url)), noProperties);
    exchange.responseHeaders = responseHeaderMap(upstream);
    expect(statusOf(exchange.responseHeaders, 500)).toBe(201);
    exchange.phase = "response_body";
    const map = exchange.readableMap(MapType.HttpResponseHeaders)!;
    const expected: [string, string][] = [[":status", "201"]];
    upstream.headers.forEach((value, name) => {
      if (name !== "transfer-encoding") expected.push([name, value]);
    });
    expect(map.count).toBe(expected.length);
    expect(map.pairs()).toEqual(expected);
    expect(map.get("content-type")).toBe("text/plain");
    expect(exchange.writableMap(MapType.HttpResponseHeaders)).toBeNull();
    expect(exchange.writableMap(MapType.HttpRequestHeaders)).toBeNull();
    expect(exchange.readableMap(MapType.HttpRequestHeaders)!.get("x-name")).toBe("\u00c3\u00a9");
    expect(entries(toHeaders(map, upstream.headers))).toEqual(entries(toHeaders(new HeaderMap(expected))));
  });
});
