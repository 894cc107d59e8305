import { describe, expect, it } from "vitest";
import { normalizePath } from "../../../config/path-normalize.ts";

describe("normalizePath", () => {
  it.each([
    ["/", "/"],
    ["/a/b", "/a/b"],
    ["/a/%62", "/a/b"],
    ["/%7Euser/%2d", "/~user/-"],
    ["/a%2fb", "/a%2Fb"],
    ["/a%3f", "/a%3F"],
    ["/a/./b", "/a/b"],
    ["/a/b/../c", "/a/c"],
    ["/a/b/..", "/a/"],
    ["/../a", "/a"],
    ["/a/%2e%2e/b", "/b"],
    ["//a///b//", "/a/b/"],
    ["/a/.", "/a/"],
    ["/.hidden/x", "/.hidden/x"],
  ])("normalises %s to %s", (input, expected) => {
    expect(normalizePath(input)).toBe(expected);
  });
});
