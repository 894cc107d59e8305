/**
 * The path sent upstream: the service path joined with what is left of the request path,
 * following the route's `strip_path` and `path_handling` (Kong's documented table).
 * @module
 */
import type { RouteConfig, ServiceConfig } from "./model.ts";

/**
 * The rest of the path after the matched prefix. A rest that starts with a dot segment
 * (`./x`, `../x`) is cut so stripping cannot climb above the service path.
 */
function postfixAfter(requestPath: string, matchedPath: string | null): string {
  const rest = matchedPath === null ? requestPath.slice(1) : requestPath.slice(matchedPath.length);
  if (rest === "." || rest === "..") return "";
  if (rest.startsWith("./")) return rest.slice(2);
  if (rest.startsWith("../")) return rest.slice(3);
  return rest;
}

/**
 * Joins the upstream path. `requestPath` is the normalised request path without query;
 * `matchedPath` is the prefix (or regex match) the router matched, `null` when the route has
 * no paths. `v0` joins as slash-separated segments (`/s` + `/r/req` → `/s/req` with route
 * `/r` stripped); `v1` (Kong 1.x, deprecated) concatenates (`/s` + `req` → `/sreq`).
 */
export function upstreamPath(
  route: Pick<RouteConfig, "stripPath" | "pathHandling">,
  service: Pick<ServiceConfig, "path"> | null,
  requestPath: string,
  matchedPath: string | null,
): string {
  const base = service?.path ?? "/";
  const postfix = postfixAfter(requestPath, matchedPath);
  return route.pathHandling === "v1"
    ? joinV1(base, requestPath, postfix, route.stripPath)
    : joinV0(base, requestPath, postfix, route.stripPath);
}

function joinV1(base: string, requestPath: string, postfix: string, strip: boolean): string {
  if (!strip) return base + requestPath.slice(1);
  // One slash where base ends with one and the rest starts with one.
  return base.endsWith("/") && postfix.startsWith("/") ? base.slice(0, -1) + postfix : base + postfix;
}

function joinV0(base: string, requestPath: string, postfix: string, strip: boolean): string {
  const requestEndsWithSlash = requestPath.endsWith("/");
  if (base.endsWith("/")) {
    if (!strip) return base + requestPath.slice(1);
    if (postfix === "") {
      if (base === "/") return "/";
      // Keep the trailing slash only when the client sent one: `/s/` + `/r` → `/s`, `/r/` → `/s/`.
      return requestEndsWithSlash ? base : base.slice(0, -1);
    }
    return postfix.startsWith("/") ? base.slice(0, -1) + postfix : base + postfix;
  }
  if (!strip) return requestPath === "/" ? base : base + requestPath;
  if (postfix === "") return requestPath.length > 1 && requestEndsWithSlash ? base + "/" : base;
  return postfix.startsWith("/") ? base + postfix : `${base}/${postfix}`;
}
