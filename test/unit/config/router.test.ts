import { describe, expect, it } from "vitest";
import { compileRouter } from "../../../config/router.ts";
import type { RouteRequest } from "../../../config/router.ts";
import { load, yaml } from "./helpers.ts";

/** A router over top-level routes (one line each) behind a service `s` at `/base`. */
function routerFor(...routeLines: string[]) {
  const config = load(yaml(
    '_format_version: "3.0"',
    "services:",
    "  - name: s",
    "    url: http://upstream.internal/base",
    "routes:",
    ...routeLines.map((line) => `  - ${line}`),
  ));
  const router = compileRouter(config);
  return (request: Omit<Partial<RouteRequest>, "headers"> & { headers?: HeadersInit } = {}) => {
    const headers = new Headers(request.headers ?? {});
    const match = router.match({
      method: request.method ?? "GET",
      host: request.host ?? "gateway.example",
      path: request.path ?? "/",
      headers,
      scheme: request.scheme,
    });
    return match === null ? null : { ...match, name: config.routes[match.routeIndex].name };
  };
}

describe("compileRouter", () => {
  it("matches the announcement route for any path and joins the upstream path", () => {
    const match = routerFor("{ name: root, paths: [/], service: s }");
    expect(match({ path: "/hello" })).toEqual({
      routeIndex: 0, serviceIndex: 0, matchedPath: "/", captures: {}, upstreamPath: "/base/hello", name: "root",
    });
  });

  it("returns null when no route matches", () => {
    const match = routerFor("{ name: api, paths: [/api], service: s }");
    expect(match({ path: "/other" })).toBeNull();
  });

  describe("paths", () => {
    it("matches plain paths as prefixes, so /api also matches /apix as in Kong", () => {
      const match = routerFor("{ name: api, paths: [/api], service: s }");
      expect(match({ path: "/api/users" })?.name).toBe("api");
      expect(match({ path: "/apix" })?.name).toBe("api");
    });

    it("prefers the longest matching prefix among routes of equal weight", () => {
      const match = routerFor(
        "{ name: short, paths: [/api], service: s }",
        "{ name: long, paths: [/api/v2], service: s }",
      );
      expect(match({ path: "/api/v2/x" })?.name).toBe("long");
      expect(match({ path: "/api/v1/x" })?.name).toBe("short");
    });

    it("ranks each path of a route on its own", () => {
      const match = routerFor(
        "{ name: multi, paths: [/a, /b/c/d], service: s }",
        "{ name: mid, paths: [/b/c], service: s }",
      );
      expect(match({ path: "/b/c/d/e" })?.name).toBe("multi");
      expect(match({ path: "/b/c/x" })?.name).toBe("mid");
    });

    it("matches the normalised path: encoded unreserved characters, dot segments and double slashes", () => {
      const match = routerFor("{ name: admin, paths: [/admin], service: s }");
      expect(match({ path: "/%61dmin/x" })?.name).toBe("admin");
      expect(match({ path: "/public/../admin" })?.name).toBe("admin");
      expect(match({ path: "//admin" })?.upstreamPath).toBe("/base");
    });

    it("anchors regex paths at the start and exposes numbered and named captures", () => {
      const match = routerFor("{ name: version, paths: ['~/version/(?<ver>\\d+)/(\\w+)'], service: s }");
      const hit = match({ path: "/version/12/users/7" });
      expect(hit).toMatchObject({ name: "version", matchedPath: "/version/12/users", upstreamPath: "/base/7" });
      expect(hit?.captures).toEqual({ "1": "12", "2": "users", ver: "12" });
      expect(match({ path: "/x/version/12/users" })).toBeNull();
    });

    it("accepts Python-style named groups in regex paths", () => {
      const match = routerFor("{ name: p, paths: ['~/items/(?P<id>\\d+)$'], service: s }");
      expect(match({ path: "/items/42" })?.captures).toEqual({ "1": "42", id: "42" });
    });

    it("ranks a regex path above a plain path of the same weight", () => {
      const match = routerFor(
        "{ name: plain, paths: [/users/me], service: s }",
        "{ name: regex, paths: ['~/users/\\w+'], service: s }",
      );
      expect(match({ path: "/users/me" })?.name).toBe("regex");
    });

    it("orders regex paths by regex_priority, then by config order", () => {
      const match = routerFor(
        "{ name: low, paths: ['~/a/\\d+'], service: s }",
        "{ name: high, paths: ['~/a/.+'], regex_priority: 10, service: s }",
        "{ name: later, paths: ['~/a/1'], service: s }",
      );
      expect(match({ path: "/a/1" })?.name).toBe("high");
    });

    it("breaks a full tie by config order", () => {
      const match = routerFor("{ name: first, paths: [/x], service: s }", "{ name: second, paths: [/x], service: s }");
      expect(match({ path: "/x" })?.name).toBe("first");
    });

    it("ignores a query string left in the path", () => {
      const match = routerFor("{ name: q, paths: [/q], service: s }");
      expect(match({ path: "/q/x?y=1" })?.upstreamPath).toBe("/base/x");
    });
  });

  describe("hosts", () => {
    it("matches hosts exactly and case-insensitively, ignoring the request port", () => {
      const match = routerFor("{ name: h, hosts: [api.example.com], service: s }");
      expect(match({ host: "API.example.com:8000" })?.name).toBe("h");
      expect(match({ host: "other.example.com" })).toBeNull();
    });

    it("matches a leftmost or rightmost wildcard label", () => {
      const match = routerFor(
        "{ name: left, hosts: ['*.example.com'], service: s }",
        "{ name: right, hosts: ['example.*'], service: s }",
      );
      expect(match({ host: "a.b.example.com" })?.name).toBe("left");
      expect(match({ host: "example.com" })?.name).toBe("right");
      expect(match({ host: "example.org" })?.name).toBe("right");
      expect(match({ host: "notexample.org" })).toBeNull();
    });

    it("compares the port when the route host names one, defaulting by scheme", () => {
      const match = routerFor("{ name: p, hosts: ['api.example.com:8443'], service: s }", "{ name: d, hosts: ['web.example.com:443'], service: s }");
      expect(match({ host: "api.example.com:8443" })?.name).toBe("p");
      expect(match({ host: "api.example.com" })).toBeNull();
      expect(match({ host: "web.example.com", scheme: "https" })?.name).toBe("d");
      expect(match({ host: "web.example.com", scheme: "http" })).toBeNull();
    });

    it("ranks a route with only plain hosts above one with a wildcard host", () => {
      const match = routerFor(
        "{ name: wildcard, hosts: ['*.example.com'], service: s }",
        "{ name: plain, hosts: [api.example.com], service: s }",
      );
      expect(match({ host: "api.example.com" })?.name).toBe("plain");
      expect(match({ host: "web.example.com" })?.name).toBe("wildcard");
    });
  });

  describe("methods and headers", () => {
    it("matches methods case-insensitively", () => {
      const match = routerFor("{ name: m, methods: [POST], service: s }");
      expect(match({ method: "post" })?.name).toBe("m");
      expect(match({ method: "GET" })).toBeNull();
    });

    it("matches header values case-insensitively, any listed value", () => {
      const match = routerFor("{ name: v, headers: { x-version: [V1, v2] }, service: s }");
      expect(match({ headers: { "X-Version": "v1" } })?.name).toBe("v");
      expect(match({ headers: { "x-version": "V2" } })?.name).toBe("v");
      expect(match({ headers: { "x-version": "v3" } })).toBeNull();
      expect(match()).toBeNull();
    });

    it("matches a ~* header value as a case-insensitive regex", () => {
      const match = routerFor("{ name: r, headers: { user-agent: ['~*curl/\\d'] }, service: s }");
      expect(match({ headers: { "user-agent": "CURL/8.4.0" } })?.name).toBe("r");
      expect(match({ headers: { "user-agent": "wget" } })).toBeNull();
    });

    it("matches one value of a repeated header", () => {
      const match = routerFor("{ name: r, headers: { x-tag: [b] }, service: s }");
      expect(match({ headers: [["x-tag", "a"], ["x-tag", "b"]] })?.name).toBe("r");
      expect(match({ headers: { "x-tag": "a" } })).toBeNull();
    });

    it("requires every header of the route (keys are AND, values are OR)", () => {
      const match = routerFor("{ name: both, headers: { x-a: ['1'], x-b: ['2'] }, service: s }");
      expect(match({ headers: { "x-a": "1", "x-b": "2" } })?.name).toBe("both");
      expect(match({ headers: { "x-a": "1" } })).toBeNull();
    });

    it("ranks a route with more headers above one with fewer", () => {
      const match = routerFor(
        "{ name: one, headers: { x-a: ['1'] }, service: s }",
        "{ name: two, headers: { x-a: ['1'], x-b: ['2'] }, service: s }",
      );
      expect(match({ headers: { "x-a": "1", "x-b": "2" } })?.name).toBe("two");
      expect(match({ headers: { "x-a": "1" } })?.name).toBe("one");
    });
  });

  describe("priority across field kinds", () => {
    it("ranks a route that sets more kinds of fields first, whatever the path lengths", () => {
      const match = routerFor(
        "{ name: long-path, paths: [/very/long/path/prefix], service: s }",
        "{ name: path-and-method, paths: [/very], methods: [GET], service: s }",
      );
      expect(match({ path: "/very/long/path/prefix/x" })?.name).toBe("path-and-method");
      expect(match({ method: "POST", path: "/very/long/path/prefix/x" })?.name).toBe("long-path");
    });

    it("requires every field a route sets to match", () => {
      const match = routerFor("{ name: all, hosts: [a.example], paths: [/p], methods: [GET], service: s }");
      expect(match({ host: "a.example", path: "/p" })?.name).toBe("all");
      expect(match({ host: "b.example", path: "/p" })).toBeNull();
      expect(match({ host: "a.example", path: "/q" })).toBeNull();
      expect(match({ host: "a.example", path: "/p", method: "PUT" })).toBeNull();
    });
  });

  describe("services", () => {
    it("skips routes whose service is disabled, as Kong does", () => {
      const config = load(yaml(
        '_format_version: "3.0"',
        "services:",
        "  - { name: off, url: http://a, enabled: false, routes: [{ name: r-off, paths: [/x/y] }] }",
        "  - { name: on, url: http://b, routes: [{ name: r-on, paths: [/x] }] }",
      ));
      const match = compileRouter(config).match({ method: "GET", host: "h", path: "/x/y", headers: new Headers() });
      expect(match?.routeIndex).toBe(1);
    });

    it("matches a route without a service and builds the path from the request alone", () => {
      const config = load(yaml('_format_version: "3.0"', "routes:", "  - { paths: [/r], strip_path: true }"));
      expect(compileRouter(config).match({ method: "GET", host: "h", path: "/r/x", headers: new Headers() })).toEqual({
        routeIndex: 0, serviceIndex: null, matchedPath: "/r", captures: {}, upstreamPath: "/x",
      });
    });

    it("keeps the matched prefix when strip_path is false", () => {
      const match = routerFor("{ name: keep, paths: [/keep], strip_path: false, service: s }");
      expect(match({ path: "/keep/x" })?.upstreamPath).toBe("/base/keep/x");
    });
  });
});

describe("router shortcuts keep Kong's decisions", () => {
  // Many routes with distinct first segments make the router use its segment index.
  const others = Array.from({ length: 20 }, (_, i) => `{ service: s, name: other${i}, paths: ["/other${i}/x"] }`);

  it("a regex with an alternation still matches its second branch", () => {
    const match = routerFor(...others, '{ service: s, name: alt, paths: ["~/a/b|/c/d"] }');
    expect(match({ path: "/c/d" })?.name).toBe("alt");
  });

  it("a plain prefix without a trailing slash still matches a longer first segment", () => {
    const match = routerFor(...others, '{ service: s, name: api, paths: ["/api"] }');
    expect(match({ path: "/apix/y" })?.name).toBe("api");
  });

  it("a regex whose first literal character is optional still matches without it", () => {
    const match = routerFor(...others, "{ service: s, name: opt, paths: ['~/x?y/(\\d+)'] }");
    expect(match({ path: "/y/7" })?.name).toBe("opt");
  });

  it("a route of the request's segment and a route for any segment keep their priority order", () => {
    const match = routerFor(...others, '{ service: s, name: any, paths: ["~/[a-z]+/items"], regex_priority: 5 }', '{ service: s, name: seg, paths: ["~/shop/items"] }');
    expect(match({ path: "/shop/items" })?.name).toBe("any");
  });
});
