/**
 * Kong `traditional_compatible` routing: every field a route sets must match; the most
 * specific route wins. Compiled once per config; matching never builds a regex.
 * @module
 */
import type { GatewayConfig, RouteConfig } from "./model.ts";
import { normalizePath } from "./path-normalize.ts";
import { compileHeader, compileHost, compilePath, isWildcardHost, parseRequestHost, literalPathPrefix, literalPathSuffix } from "./route-matchers.ts";
import type { HeaderMatcher, HostMatcher, PathHit, PathMatcher, RequestHost } from "./route-matchers.ts";
import { upstreamPath } from "./upstream-path.ts";

/** The parts of a request the router looks at. */
export interface RouteRequest {
  method: string;
  /** The `Host` header (a `:port` is allowed). */
  host: string;
  /** The request path without query string, as received (the router normalises it). */
  path: string;
  headers: { get(name: string): string | null };
  /** `http` or `https`; only used for the default port when a route host names a port. */
  scheme?: string;
}

/** The route a request matched, and what the worker needs to proxy it. */
export interface RouteMatch {
  routeIndex: number;
  serviceIndex: number | null;
  /** The prefix or regex match that matched (`null` when the route has no paths). */
  matchedPath: string | null;
  /** Regex path captures, numbered (`"1"`) and named. */
  captures: Record<string, string>;
  /** Upstream path per strip_path/path_handling, without query string. */
  upstreamPath: string;
}

/** A compiled router for one config. */
export interface Router {
  match(request: RouteRequest): RouteMatch | null;
}

/** One route with one of its paths: Kong ranks each path of a route on its own. */
interface Candidate {
  routeIndex: number;
  route: RouteConfig;
  methods: ReadonlySet<string> | null;
  hosts: HostMatcher[] | null;
  headers: HeaderMatcher[];
  path: PathMatcher | null;
  /** What the request path must start with for `path` to have a chance (see literalPathPrefix). */
  literal: string;
  /** What it must end with, for regexes anchored at the end (see literalPathSuffix); often "". */
  suffix: string;
  rank: number[];
}

function candidatesOf(route: RouteConfig, routeIndex: number): Candidate[] {
  const weight =
    (route.methods.length > 0 ? 1 : 0) +
    (route.hosts.length > 0 ? 1 : 0) +
    (route.paths.length > 0 ? 1 : 0) +
    (Object.keys(route.headers).length > 0 ? 1 : 0);
  const plainHostsOnly = route.hosts.length > 0 && !route.hosts.some(isWildcardHost) ? 1 : 0;
  const headerCount = Object.keys(route.headers).length;
  const shared = {
    routeIndex,
    route,
    methods: route.methods.length > 0 ? new Set(route.methods) : null,
    hosts: route.hosts.length > 0 ? route.hosts.map(compileHost) : null,
    headers: Object.entries(route.headers).map(([name, values]) => compileHeader(name, values)),
  };
  const paths: (string | null)[] = route.paths.length > 0 ? route.paths : [null];
  return paths.map((path, pathIndex): Candidate => {
    const regex = path !== null && path.startsWith("~");
    const length = path === null || regex ? 0 : path.length;
    // Spelled out (not spread) so every candidate has one object shape: the match loop stays monomorphic.
    return {
      routeIndex: shared.routeIndex,
      route: shared.route,
      methods: shared.methods,
      hosts: shared.hosts,
      headers: shared.headers,
      path: path === null ? null : compilePath(path),
      literal: path === null ? "" : literalPathPrefix(path),
      suffix: path === null ? "" : literalPathSuffix(path),
      // Sort keys, most significant first (Kong's priority bit layout, then config order).
      rank: [weight, plainHostsOnly, headerCount, regex ? 1 : 0, regex ? route.regexPriority : 0, length, -routeIndex, -pathIndex],
    };
  });
}

function compareRank(a: Candidate, b: Candidate): number {
  for (let i = 0; i < a.rank.length; i++) if (a.rank[i] !== b.rank[i]) return b.rank[i] - a.rank[i];
  return 0;
}

/**
 * Builds the router. Routes whose service is disabled are left out, as in Kong. The first
 * candidate in priority order whose fields all match wins.
 */
export function compileRouter(config: GatewayConfig): Router {
  const candidates = config.routes
    .flatMap((route, index) => {
      const service = route.service === null ? null : config.services[route.service];
      return service !== null && service !== undefined && !service.enabled ? [] : candidatesOf(route, index);
    })
    .sort(compareRank);

  const index = indexByFirstSegment(candidates);

  return {
    match(request) {
      const method = request.method.toUpperCase();
      const host = parseRequestHost(request.host, request.scheme);
      const query = request.path.indexOf("?");
      const rawPath = query >= 0 ? request.path.slice(0, query) : request.path;
      const path = normalizePath(rawPath === "" ? "/" : rawPath);
      const headers = headerCache(request.headers);
      for (const candidate of index(path)) {
        // Cheapest tests first: a set lookup, a string prefix, then hosts, headers and regexes.
        if (candidate.methods !== null && !candidate.methods.has(method)) continue;
        if (!path.startsWith(candidate.literal)) continue;
        if (candidate.suffix !== "" && !path.endsWith(candidate.suffix)) continue;
        if (candidate.hosts !== null && !anyHostMatches(candidate.hosts, host)) continue;
        if (candidate.headers.length > 0 && !allHeadersMatch(candidate.headers, headers)) continue;
        let hit: PathHit | null = null;
        if (candidate.path !== null) {
          hit = candidate.path(path);
          if (hit === null) continue;
        }
        const route = candidate.route;
        const service = route.service === null ? null : config.services[route.service];
        const matchedPath = hit?.matched ?? null;
        return {
          routeIndex: candidate.routeIndex,
          serviceIndex: route.service,
          matchedPath,
          captures: hit ? { ...hit.captures } : {},
          upstreamPath: upstreamPath(route, service ?? null, path, matchedPath),
        };
      }
      return null;
    },
  };
}

/** Past this many list entries the index is not worth its memory; matching scans all candidates. */
const MAX_INDEX_ENTRIES = 200_000;

/** The first path segment, when `literal` ends it (`/api/v1` → `api`); else null (`/api` may go on as `/apix`). */
function literalFirstSegment(literal: string): string | null {
  const end = literal.indexOf("/", 1);
  return literal.startsWith("/") && end > 1 ? literal.slice(1, end) : null;
}

function requestFirstSegment(path: string): string {
  const end = path.indexOf("/", 1);
  return end < 0 ? path.slice(1) : path.slice(1, end);
}

/**
 * Candidates by the first segment of the request path, each list in priority order: the
 * candidates whose literal prefix names that segment plus every candidate that names none.
 * A request is then checked against the routes that can match it, not all of them.
 */
function indexByFirstSegment(candidates: readonly Candidate[]): (path: string) => readonly Candidate[] {
  const anySegment = candidates.filter((c) => literalFirstSegment(c.literal) === null);
  const segments = new Set<string>();
  for (const c of candidates) {
    const segment = literalFirstSegment(c.literal);
    if (segment !== null) segments.add(segment);
  }
  if (segments.size === 0 || segments.size * anySegment.length > MAX_INDEX_ENTRIES) return () => candidates;
  const bySegment = new Map<string, Candidate[]>();
  for (const segment of segments) {
    bySegment.set(segment, candidates.filter((c) => {
      const own = literalFirstSegment(c.literal);
      return own === null || own === segment;
    }));
  }
  return (path) => bySegment.get(requestFirstSegment(path)) ?? anySegment;
}

function anyHostMatches(hosts: readonly HostMatcher[], host: RequestHost): boolean {
  for (let i = 0; i < hosts.length; i++) if (hosts[i](host)) return true;
  return false;
}

function allHeadersMatch(matchers: readonly HeaderMatcher[], headers: RouteRequest["headers"]): boolean {
  for (let i = 0; i < matchers.length; i++) if (!headerMatches(matchers[i], headers)) return false;
  return true;
}

/** Reads each request header at most once per match, however many routes ask for it. */
function headerCache(headers: RouteRequest["headers"]): RouteRequest["headers"] {
  const seen = new Map<string, string | null>();
  return {
    get(name) {
      let value = seen.get(name);
      if (value === undefined) {
        value = headers.get(name);
        seen.set(name, value);
      }
      return value;
    },
  };
}

function headerMatches(header: HeaderMatcher, headers: RouteRequest["headers"]): boolean {
  const value = headers.get(header.name);
  return value !== null && header.test(value);
}
