/**
 * Per-field matchers of one route, built once when the router is compiled so a request only
 * runs string comparisons and precompiled regexes.
 * @module
 */
import { toJsRegex } from "./regex.ts";
import { normalizePath } from "./path-normalize.ts";
import { splitHostPort } from "./validate-values.ts";

/** A request host split for matching: lower-case, port separated (default by scheme). */
export interface RequestHost {
  name: string;
  port: number;
}

/** Splits a `Host` value; a missing port is the scheme's default. */
export function parseRequestHost(host: string, scheme: string | undefined): RequestHost {
  const { host: name, port } = splitHostPort(host.toLowerCase());
  const parsed = port !== null && /^\d+$/.test(port) ? Number(port) : scheme === "https" ? 443 : 80;
  return { name: name.endsWith(".") && name.length > 1 ? name.slice(0, -1) : name, port: parsed };
}

/** Matches one `hosts` entry: exact, `*.suffix`, or `prefix.*`, with an optional port. */
export type HostMatcher = (host: RequestHost) => boolean;

/** Compiles one route host. */
export function compileHost(value: string): HostMatcher {
  const { host, port } = splitHostPort(value.toLowerCase());
  const wantPort = port === null ? null : Number(port);
  const portOk = (request: RequestHost) => wantPort === null || request.port === wantPort;
  if (host.startsWith("*")) {
    const suffix = host.slice(1);
    return (request) => portOk(request) && request.name.length > suffix.length && request.name.endsWith(suffix);
  }
  if (host.endsWith("*")) {
    const prefix = host.slice(0, -1);
    return (request) => portOk(request) && request.name.length > prefix.length && request.name.startsWith(prefix);
  }
  return (request) => portOk(request) && request.name === host;
}

/** True when the route's hosts include a wildcard (wildcard routes rank below plain-host routes). */
export function isWildcardHost(value: string): boolean {
  return value.includes("*");
}

/** Matches one header: any of its values, exact (case-insensitive) or `~*` regex. */
export interface HeaderMatcher {
  name: string;
  test(value: string): boolean;
}

/** Compiles the values of one `headers` entry. */
export function compileHeader(name: string, values: readonly string[]): HeaderMatcher {
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const value of values) {
    if (value.startsWith("~*")) patterns.push(new RegExp(toJsRegex(value.slice(2), false).source, "i"));
    else exact.add(value.toLowerCase());
  }
  const one = (value: string) => {
    const lower = value.toLowerCase();
    return exact.has(lower) || patterns.some((pattern) => pattern.test(lower));
  };
  return {
    name,
    // `Headers#get` joins repeated headers with ", ": any single value may match, as in Kong.
    test: (value) => one(value) || (value.includes(",") && value.split(",").some((part) => one(part.trim()))),
  };
}

/** What a path matcher found: the matched part of the path and regex captures. */
export interface PathHit {
  matched: string;
  captures: Record<string, string>;
}

/** Matches one `paths` entry against a normalised request path. */
export type PathMatcher = (path: string) => PathHit | null;

const REGEX_META = "\\^$.|?*+()[]{}";

/**
 * The literal text a regex route path ends with when it is anchored at the end (`…/orders$`):
 * a request path must end with it, a second cheap test before the regex runs. "" when unknown.
 */
export function literalPathSuffix(value: string): string {
  if (!value.startsWith("~")) return "";
  const source = value.slice(1);
  if (source.includes("|") || !source.endsWith("$") || source.endsWith("\\$")) return "";
  let start = source.length - 1;
  // Walk back over plain characters; stop at a metacharacter or an escaped one (`\d`).
  while (start > 0 && !REGEX_META.includes(source[start - 1]) && source[start - 2] !== "\\") start--;
  return source.slice(start, source.length - 1);
}

/**
 * The literal text every path a route path matches starts with: the prefix itself, or a regex's
 * leading literal characters. A request path without it cannot match, so the router skips the
 * candidate with one `startsWith` instead of running its regex.
 */
export function literalPathPrefix(value: string): string {
  if (!value.startsWith("~")) return normalizePath(value);
  let source = value.slice(1);
  // An alternation may start with anything (`/a|/b`): no literal prefix can be promised.
  if (source.includes("|")) return "";
  if (source.startsWith("^")) source = source.slice(1);
  let literal = "";
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if ("\\^$.|?*+()[]{}".includes(ch)) {
      // A quantifier after a literal character makes that character optional.
      if ("?*{".includes(ch)) literal = literal.slice(0, -1);
      break;
    }
    literal += ch;
  }
  return literal;
}

const NO_CAPTURES: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** Compiles one route path: a plain prefix (normalised like requests) or an anchored `~` regex. */
export function compilePath(value: string): PathMatcher {
  if (!value.startsWith("~")) {
    const prefix = normalizePath(value);
    return (path) => (path.startsWith(prefix) ? { matched: prefix, captures: NO_CAPTURES } : null);
  }
  const regex = toJsRegex(value.slice(1), true);
  return (path) => {
    const m = regex.exec(path);
    if (m === null) return null;
    const captures: Record<string, string> = {};
    for (let i = 1; i < m.length; i++) if (m[i] !== undefined) captures[String(i)] = m[i];
    for (const [name, group] of Object.entries(m.groups ?? {})) if (group !== undefined) captures[name] = group;
    return { matched: m[0], captures };
  };
}
