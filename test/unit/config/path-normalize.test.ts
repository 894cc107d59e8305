import { describe, expect, it } from "vitest";
import { escapePath, normalizePath } from "../../../config/path-normalize.ts";

/** The cases of Kong's `kong.tools.uri` spec (normalize with merge_slashes, as the router calls it). */
describe("normalizePath, on Kong's own spec data", () => {
  it.each([
    ["", ""],
    ["/", "/"],
    ["/a", "/a"],
    ["/a/", "/a/"],
    ["/a/b/c", "/a/b/c"],
    ["/a/b/c/", "/a/b/c/"],
  ])("leaves %j as it is", (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });

  it("keeps escapes of reserved characters, decodes the rest", () => {
    expect(normalizePath("/a%2Fb%2Fc/")).toBe("/a%2Fb%2Fc/");
    expect(normalizePath("/%20%21%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D"))
      .toBe("/ %21%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3D%3F%40%5B%5D");
  });

  it("upper-cases the hex of the escapes it keeps", () => {
    expect(normalizePath("/a%2fb%2fc/")).toBe("/a%2Fb%2Fc/");
    expect(normalizePath("/f%6f%6f")).toBe("/foo");
  });

  it("decodes escaped unreserved characters", () => {
    expect(normalizePath("/%6B%6f%6e%67")).toBe("/kong");
    expect(normalizePath("/%2E")).toBe("/");
  });

  it.each([
    ["//", "/"],
    ["/./", "/"],
    ["/.", "/"],
    ["/..", "/"],
    ["/../", "/"],
    ["/////", "/"],
    ["/./.././../", "/"],
    ["/a//b//", "/a/b/"],
    // RFC 3986 §5.2.4's examples
    ["/a/b/c/./../../g", "/a/g"],
    ["mid/content=5/../6", "mid/6"],
  ])("resolves dot segments and merges slashes: %s → %s", (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });

  it("decodes UTF-8 escapes to their characters, and escapes them again for the upstream", () => {
    expect(normalizePath("/endel%C3%B8st")).toBe("/endeløst");
    expect(escapePath(normalizePath("/endel%C3%B8st"))).toBe("/endel%C3%B8st");
    expect(normalizePath("/t/Abc%20123%C3%B8/parent/../test/.")).toBe("/t/Abc 123ø/test/");
  });

  it("normalises a path with characters outside the URI character set", () => {
    const input = "/ä/a/%2e./a%2E//a/%2e/./a/../a/%2e%2E/%5f%99%af%2f%2F";
    expect(escapePath(normalizePath(input))).toBe("/%C3%A4/a./a/_%99%AF%2F%2F");
  });
});

describe("normalizePath, cases a route guard depends on", () => {
  it.each([
    ["/a/%62", "/a/b"],
    ["/%7Euser/%2d", "/~user/-"],
    ["/a%3f", "/a%3F"],
    ["/a/b/..", "/a/"],
    ["/../a", "/a"],
    ["/a/%2e%2e/b", "/b"],
    ["/a/.", "/a/"],
    ["/.hidden/x", "/.hidden/x"],
    ["/a/..b", "/a/..b"],
  ])("normalises %s to %s", (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });

  it("keeps a stray % that starts no escape", () => {
    expect(normalizePath("/100%/x%zz")).toBe("/100%/x%zz");
  });
});

/** Kong's `kong.tools.uri` spec for `escape`. */
describe("escapePath", () => {
  it("leaves reserved and unreserved characters and % alone", () => {
    const all = "/!#$%&'()*+,/:;=?@[]ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~";
    expect(escapePath(all)).toBe(all);
  });

  it("escapes spaces and UTF-8 characters", () => {
    expect(escapePath("/a b/c d")).toBe("/a%20b/c%20d");
    expect(escapePath("/a😀")).toBe("/a%F0%9F%98%80");
    expect(escapePath("/endeløst")).toBe("/endel%C3%B8st");
  });
});
