import { describe, expect, it } from "vitest";
import type { PathHandling } from "../../../config/model.ts";
import { upstreamPath } from "../../../config/upstream-path.ts";
import { KONG_DOCUMENTED, KONG_V0, KONG_V1, type PathRow } from "../../fixtures/kong-path-handling.ts";

function join(pathHandling: PathHandling, [servicePath, routePath, stripPath, requestPath]: PathRow): string {
  return upstreamPath({ stripPath, pathHandling }, { path: servicePath }, requestPath, routePath);
}

describe("upstreamPath", () => {
  it.each(KONG_V0)("v0: service %s, route %s, strip_path %s: %s goes upstream as %s", (...row) => {
    expect(join("v0", row)).toBe(row[4]);
  });

  it.each(KONG_V1)("v1: service %s, route %s, strip_path %s: %s goes upstream as %s", (...row) => {
    expect(join("v1", row)).toBe(row[4]);
  });

  it.each(KONG_DOCUMENTED)("documented: route %s, strip_path %s, %s: %s goes upstream as %s", (routePath, stripPath, pathHandling, requestPath, expected) => {
    expect(upstreamPath({ stripPath, pathHandling }, { path: "/s" }, requestPath, routePath)).toBe(expected);
  });

  it("treats a service without path as `/`", () => {
    expect(upstreamPath({ stripPath: true, pathHandling: "v0" }, { path: null }, "/api/users", "/api")).toBe("/users");
    expect(upstreamPath({ stripPath: true, pathHandling: "v0" }, { path: null }, "/api", "/api")).toBe("/");
  });

  it("sends the request path unchanged when there is no service", () => {
    expect(upstreamPath({ stripPath: false, pathHandling: "v0" }, null, "/a/b", "/a")).toBe("/a/b");
  });

  it("strips the whole regex match, not only a literal prefix", () => {
    expect(upstreamPath({ stripPath: true, pathHandling: "v0" }, { path: null }, "/version/1/service/path", "/version/1/service"))
      .toBe("/path");
  });

  it("cannot climb above the service path with what is left after the stripped prefix", () => {
    expect(upstreamPath({ stripPath: true, pathHandling: "v0" }, { path: "/s" }, "/r/../etc", "/r/")).toBe("/s/etc");
    expect(upstreamPath({ stripPath: true, pathHandling: "v1" }, { path: "/s/" }, "/r..", "/r")).toBe("/s/");
  });
});
