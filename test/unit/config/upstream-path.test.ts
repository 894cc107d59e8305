import { describe, expect, it } from "vitest";
import type { PathHandling } from "../../../config/model.ts";
import { upstreamPath } from "../../../config/upstream-path.ts";

/**
 * Kong's documented table (Admin API reference, "Path handling algorithms"): service path,
 * route path, strip_path, path_handling, request path → proxied path.
 */
const kongTable: [string, string, boolean, PathHandling, string, string][] = [
  ["/s", "/fv0", false, "v0", "/fv0req", "/s/fv0req"],
  ["/s", "/fv1", false, "v1", "/fv1req", "/sfv1req"],
  ["/s", "/tv0", true, "v0", "/tv0req", "/s/req"],
  ["/s", "/tv1", true, "v1", "/tv1req", "/sreq"],
  ["/s", "/fv0/", false, "v0", "/fv0/req", "/s/fv0/req"],
  ["/s", "/fv1/", false, "v1", "/fv1/req", "/sfv1/req"],
  ["/s", "/tv0/", true, "v0", "/tv0/req", "/s/req"],
  ["/s", "/tv1/", true, "v1", "/tv1/req", "/sreq"],
];

/** Further v0 cases from Kong's join rules (trailing slashes, root paths, no service path). */
const v0Cases: [string | null, string | null, boolean, string, string][] = [
  // service path, matched prefix, strip_path, request path, upstream path
  [null, "/", true, "/", "/"],
  [null, "/", true, "/foo/bar", "/foo/bar"],
  [null, "/api", true, "/api/users", "/users"],
  [null, "/api", true, "/api", "/"],
  [null, "/api", false, "/api/users", "/api/users"],
  ["/s", "/r", true, "/r", "/s"],
  ["/s", "/r", true, "/r/", "/s/"],
  ["/s", "/r", true, "/r/req", "/s/req"],
  ["/s", "/r", false, "/", "/s"],
  ["/s/", "/r", true, "/r", "/s"],
  ["/s/", "/r", true, "/r/", "/s/"],
  ["/s/", "/r", true, "/r/req", "/s/req"],
  ["/s/", "/r", true, "/rreq", "/s/req"],
  ["/s/", "/r", false, "/r/req", "/s/r/req"],
  ["/", "/r", true, "/r", "/"],
  ["/s", null, true, "/foo", "/s/foo"],
  ["/s", null, true, "/", "/s"],
  ["/s", "/r/", true, "/r/../etc", "/s/etc"],
];

describe("upstreamPath", () => {
  it.each(kongTable)(
    "joins service path %s and route path %s (strip_path %s, %s) for request %s as %s",
    (servicePath, routePath, stripPath, pathHandling, requestPath, expected) => {
      expect(upstreamPath({ stripPath, pathHandling }, { path: servicePath }, requestPath, routePath)).toBe(expected);
    },
  );

  it.each(v0Cases)(
    "v0 joins service path %s after matched %s (strip_path %s) for request %s as %s",
    (servicePath, matched, stripPath, requestPath, expected) => {
      expect(upstreamPath({ stripPath, pathHandling: "v0" }, { path: servicePath }, requestPath, matched)).toBe(expected);
    },
  );

  it("sends the request path unchanged when there is no service", () => {
    expect(upstreamPath({ stripPath: false, pathHandling: "v0" }, null, "/a/b", "/a")).toBe("/a/b");
  });

  it("strips the whole regex match, not only a literal prefix", () => {
    expect(upstreamPath({ stripPath: true, pathHandling: "v0" }, { path: null }, "/version/1/service/path", "/version/1/service"))
      .toBe("/path");
  });

  it("v1 merges the double slash of a service path ending in / and a rest starting with /", () => {
    expect(upstreamPath({ stripPath: true, pathHandling: "v1" }, { path: "/s/" }, "/r/x", "/r")).toBe("/s/x");
  });
});
