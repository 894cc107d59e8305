import { describe, expect, it } from "vitest";
import { decodePairs, encodePairs } from "../../../../abi/pairs.ts";
import { MapType, Status } from "../../../../abi/types.ts";
import { startProbe } from "../support/harness.ts";

const REQUEST: [string, string][] = [
  [":authority", "example.com"],
  [":path", "/a?b=c"],
  [":method", "GET"],
  [":scheme", "https"],
  ["accept", "*/*"],
  ["x-dup", "one"],
  ["x-dup", "two"],
];
const OUT = 100; // out-slots: ptr at 100, len at 104
const KEY = 200;
const VALUE = 300;

describe("header-map host calls", () => {
  it("get_header_map_pairs returns the request map with pseudo-headers first and duplicates kept", async () => {
    const probe = await startProbe();
    const stream = probe.stream(REQUEST);
    expect(probe.call(stream.context, "proxy_get_header_map_pairs", MapType.HttpRequestHeaders, OUT, OUT + 4)).toBe(Status.Ok);
    expect(decodePairs(probe.returned(OUT))).toEqual(REQUEST);
  });

  it("get_header_map_pairs answers OK-empty for a map the request does not have yet", async () => {
    const probe = await startProbe();
    const stream = probe.stream(REQUEST);
    probe.put(OUT, new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9]));
    expect(probe.call(stream.context, "proxy_get_header_map_pairs", MapType.HttpResponseHeaders, OUT, OUT + 4)).toBe(Status.Ok);
    expect([probe.u32(OUT), probe.u32(OUT + 4)]).toEqual([0, 0]);
  });

  it("get_header_map_pairs answers BadArgument for an unknown map type", async () => {
    const probe = await startProbe();
    expect(probe.call(probe.stream(REQUEST).context, "proxy_get_header_map_pairs", 8, OUT, OUT + 4)).toBe(Status.BadArgument);
  });

  it("get_header_map_value is case-insensitive and returns the first of duplicates", async () => {
    const probe = await startProbe();
    const stream = probe.stream(REQUEST);
    const [key, keyLen] = probe.put(KEY, "X-Dup");
    expect(probe.call(stream.context, "proxy_get_header_map_value", MapType.HttpRequestHeaders, key, keyLen, OUT, OUT + 4)).toBe(Status.Ok);
    expect(new TextDecoder().decode(probe.returned(OUT))).toBe("one");
  });

  it("get_header_map_value answers NotFound for a missing header in ABI 0.2", async () => {
    const probe = await startProbe({ abiVersion: "0.2.0" });
    const [key, keyLen] = probe.put(KEY, "x-missing");
    expect(probe.call(probe.stream(REQUEST).context, "proxy_get_header_map_value", 0, key, keyLen, OUT, OUT + 4)).toBe(Status.NotFound);
  });

  it("get_header_map_value answers OK with an empty value for a missing header in ABI 0.1.0", async () => {
    const probe = await startProbe({ abiVersion: "0.1.0" });
    const [key, keyLen] = probe.put(KEY, "x-missing");
    probe.put(OUT, new Uint8Array([9, 9, 9, 9, 9, 9, 9, 9]));
    expect(probe.call(probe.stream(REQUEST).context, "proxy_get_header_map_value", 0, key, keyLen, OUT, OUT + 4)).toBe(Status.Ok);
    expect([probe.u32(OUT), probe.u32(OUT + 4)]).toEqual([0, 0]);
  });

  it("add, replace and remove edit the request map while request headers are current", async () => {
    const probe = await startProbe();
    const stream = probe.stream(REQUEST);
    const ctx = stream.context;
    const [key, keyLen] = probe.put(KEY, "X-Dup");
    const [value, valueLen] = probe.put(VALUE, "three");
    expect(probe.call(ctx, "proxy_replace_header_map_value", 0, key, keyLen, value, valueLen)).toBe(Status.Ok);
    expect(ctx.exchange.requestHeaders.pairs().filter(([n]) => n === "x-dup")).toEqual([["x-dup", "three"]]);
    expect(probe.call(ctx, "proxy_add_header_map_value", 0, key, keyLen, value, valueLen)).toBe(Status.Ok);
    expect(ctx.exchange.requestHeaders.pairs().filter(([n]) => n === "x-dup")).toHaveLength(2);
    expect(probe.call(ctx, "proxy_remove_header_map_value", 0, key, keyLen)).toBe(Status.Ok);
    expect(ctx.exchange.requestHeaders.get("x-dup")).toBeUndefined();
  });

  it("request headers are read-only once the response phase began", async () => {
    const probe = await startProbe();
    const stream = probe.stream(REQUEST);
    stream.context.exchange.phase = "response_headers";
    const [key, keyLen] = probe.put(KEY, "accept");
    const [value, valueLen] = probe.put(VALUE, "text/html");
    expect(probe.call(stream.context, "proxy_replace_header_map_value", 0, key, keyLen, value, valueLen)).toBe(Status.BadArgument);
    expect(probe.call(stream.context, "proxy_get_header_map_value", 0, key, keyLen, OUT, OUT + 4)).toBe(Status.Ok);
    expect(new TextDecoder().decode(probe.returned(OUT))).toBe("*/*");
  });

  it("set_header_map_pairs replaces the whole map, lower-casing names", async () => {
    const probe = await startProbe();
    const stream = probe.stream(REQUEST);
    const [data, dataLen] = probe.put(KEY, encodePairs([["X-Only", "1"], [":path", "/new"]]));
    expect(probe.call(stream.context, "proxy_set_header_map_pairs", 0, data, dataLen)).toBe(Status.Ok);
    expect(stream.context.exchange.requestHeaders.pairs()).toEqual([[":path", "/new"], ["x-only", "1"]]);
  });

  it("get_header_map_size answers the sum of name and value lengths", async () => {
    const probe = await startProbe();
    const stream = probe.stream([["ab", "cde"], ["f", ""]]);
    expect(probe.call(stream.context, "proxy_get_header_map_size", 0, OUT)).toBe(Status.Ok);
    expect(probe.u32(OUT)).toBe(6);
  });

  it("out-of-bounds keys and out-slots answer InvalidMemoryAccess", async () => {
    const probe = await startProbe();
    const ctx = probe.stream(REQUEST).context;
    expect(probe.call(ctx, "proxy_get_header_map_value", 0, 0xfffffff0, 100, OUT, OUT + 4)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(ctx, "proxy_get_header_map_pairs", 0, 0xfffffffc, OUT)).toBe(Status.InvalidMemoryAccess);
    expect(probe.call(ctx, "proxy_set_header_map_pairs", 0, 100, 0x7fffffff)).toBe(Status.InvalidMemoryAccess);
  });
});

describe("header validation (RFC 9110)", () => {
  const invalid: [string, string, string][] = [
    ["a name with a space", "x bad", "1"],
    ["a name with a colon inside", "x:bad", "1"],
    ["an empty name", "", "1"],
    ["a value with CR LF", "x-ok", "a\r\nx-injected: 1"],
    ["a value with NUL", "x-ok", "a\u0000b"],
    ["a :status that is not a code", ":status", "two hundred"],
  ];
  for (const [what, name, value] of invalid) {
    it(`refuses ${what} with BadArgument and a warning, and the map is unchanged`, async () => {
      const probe = await startProbe();
      const stream = probe.stream(REQUEST);
      const before = [...stream.context.exchange.requestHeaders.pairs()];
      const [key, keyLen] = probe.put(KEY, name);
      const [val, valLen] = probe.put(VALUE, value);
      expect(probe.call(stream.context, "proxy_add_header_map_value", 0, key, keyLen, val, valLen)).toBe(Status.BadArgument);
      const [pairs, pairsLen] = probe.put(400, encodePairs([[name, value]]));
      expect(probe.call(stream.context, "proxy_set_header_map_pairs", 0, pairs, pairsLen)).toBe(Status.BadArgument);
      expect(stream.context.exchange.requestHeaders.pairs()).toEqual(before);
      expect(probe.host.logs.some((line) => line.message.startsWith("refused:"))).toBe(true);
    });
  }

  it("accepts tabs, obs-text bytes and pseudo-headers", async () => {
    const probe = await startProbe();
    const stream = probe.stream(REQUEST);
    const [key, keyLen] = probe.put(KEY, "x-fine");
    const [val, valLen] = probe.put(VALUE, new Uint8Array([0x61, 0x09, 0xc3, 0xa9]));
    expect(probe.call(stream.context, "proxy_add_header_map_value", 0, key, keyLen, val, valLen)).toBe(Status.Ok);
    expect(stream.context.exchange.requestHeaders.get("x-fine")).toBe("a\t\u00c3\u00a9");
  });
});
