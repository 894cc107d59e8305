/**
 * Checks for single values (hosts, paths, methods, names, header names). Each returns a
 * Kong-worded message, or `null` when the value is fine.
 * @module
 */
import { regexProblem } from "./regex.ts";

const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Checks a port number written in a host (`example.com:8080`). */
function portProblem(port: string): string | null {
  if (!/^\d{1,5}$/.test(port) || Number(port) > 65535) return "invalid port number";
  return null;
}

function hostnameProblem(host: string, allowWildcard: boolean): string | null {
  if (host.startsWith("[") && host.endsWith("]")) {
    return /^\[[0-9a-f:.]+\]$/i.test(host) ? null : `invalid hostname: ${host}`;
  }
  const labels = host.split(".");
  const wildcards = labels.filter((label) => label.includes("*")).length;
  if (wildcards > 0) {
    if (!allowWildcard) return `invalid hostname: ${host}`;
    if (wildcards > 1 || host.split("*").length > 2) return "invalid wildcard: must have at most one wildcard";
    const at = labels.findIndex((label) => label.includes("*"));
    if (labels[at] !== "*" || (at !== 0 && at !== labels.length - 1) || labels.length < 2) {
      return "invalid wildcard: must be placed at leftmost or rightmost label";
    }
  }
  for (const label of labels) {
    if (label === "*") continue;
    if (!LABEL.test(label)) return `invalid hostname: ${host}`;
  }
  return null;
}

/** A route host: exact or one leftmost/rightmost `*` label, with an optional `:port`. */
export function routeHostProblem(value: string): string | null {
  const { host, port } = splitHostPort(value);
  if (port !== null) {
    const problem = portProblem(port);
    if (problem) return problem;
  }
  return hostnameProblem(host, true);
}

/** A service host: a plain hostname or IP, no wildcard, no port. */
export function serviceHostProblem(value: string): string | null {
  return hostnameProblem(value, false);
}

/** Splits `host:port` (and `[v6]:port`); `port` is `null` when there is none. */
export function splitHostPort(value: string): { host: string; port: string | null } {
  if (value.startsWith("[")) {
    const close = value.indexOf("]");
    if (close > 0 && value[close + 1] === ":") return { host: value.slice(0, close + 1), port: value.slice(close + 2) };
    return { host: value, port: null };
  }
  const colon = value.lastIndexOf(":");
  if (colon < 0 || value.indexOf(":") !== colon) return { host: value, port: null };
  return { host: value.slice(0, colon), port: value.slice(colon + 1) };
}

/** A route path: plain prefix starting with `/`, or a `~` regex that compiles. */
export function routePathProblem(value: string): string | null {
  if (value.startsWith("~")) return regexProblem(value.slice(1));
  if (!value.startsWith("/")) return "should start with: / (fixed path) or ~/ (regex path)";
  return null;
}

/** An HTTP method: a token of letters (case is normalised to upper by the loader). */
export function methodProblem(value: string): string | null {
  return /^[A-Za-z]+$/.test(value) ? null : `invalid value: ${value}`;
}

/** A header name usable in `headers` (`Host` belongs in `hosts`). */
export function headerNameProblem(value: string): string | null {
  if (!TOKEN.test(value)) return `invalid header name: ${value}`;
  if (value.toLowerCase() === "host") {
    return "cannot contain 'host' header, which must be specified in the 'hosts' attribute";
  }
  return null;
}

/** Kong's `utf8_name`: any non-ASCII, and of ASCII only alphanumerics and `.-_~`. */
export function nameProblem(value: string): string | null {
  if (value === "") return "length must be at least 1";
  for (const ch of value) {
    if (ch.charCodeAt(0) < 0x80 && !/[A-Za-z0-9.\-_~]/.test(ch)) {
      return `invalid value '${value}': the only accepted ascii characters are alphanumerics or ., -, _, and ~`;
    }
  }
  return null;
}
