/**
 * `routes` entities: the matching fields (methods, hosts, paths, headers) and how the
 * upstream path is built (strip_path, path_handling).
 * @module
 */
import type { LoadContext } from "./context.ts";
import {
  asRecord,
  checkKnownFields,
  isRecord,
  readBoolean,
  readEnum,
  readInteger,
  readString,
  readStringArray,
} from "./fields.ts";
import type { Fields } from "./fields.ts";
import type { PathHandling, RouteConfig } from "./model.ts";
import { regexProblem } from "./regex.ts";
import { readId, readReference } from "./validate-filter-chain.ts";
import type { EntityReference } from "./validate-filter-chain.ts";
import { headerNameProblem, methodProblem, nameProblem, routeHostProblem, routePathProblem } from "./validate-values.ts";
import type { DocPath } from "./yaml-source.ts";

/** A route as read; `id` and `service` are settled by the loader. */
export interface RouteDraft {
  path: DocPath;
  givenId: string | null;
  route: RouteConfig;
  /** The `service:` reference of a top-level route. */
  serviceRef: EntityReference | null;
  chains: unknown[];
  /** Raw nested `plugins` items, read by the loader. */
  plugins: unknown[];
}

const FIELDS = [
  "id", "name", "paths", "hosts", "methods", "headers", "protocols", "strip_path",
  "preserve_host", "path_handling", "regex_priority", "https_redirect_status_code", "filter_chains", "plugins",
] as const;
const IGNORED = [
  "tags", "created_at", "updated_at", "request_buffering", "response_buffering",
] as const;
const NOT_HERE = "not supported by this gateway";
const UNSUPPORTED = {
  snis: "not supported by this gateway (TLS is terminated before the worker)",
  sources: "cannot set 'sources' when 'protocols' is 'http' or 'https'",
  destinations: "cannot set 'destinations' when 'protocols' is 'http' or 'https'",
  expression: NOT_HERE,
  priority: NOT_HERE,
};
const PROTOCOLS = ["http", "https"];
const PATH_HANDLING: readonly PathHandling[] = ["v0", "v1"];
const INT32 = { min: -2147483648, max: 2147483647 };

/** Reads one route; `nested` routes take their service from the enclosing entity. */
export function readRoute(ctx: LoadContext, path: DocPath, value: unknown, nested: boolean): RouteDraft | null {
  const fields = asRecord(ctx.issues, path, value);
  if (!fields) return null;
  checkKnownFields(ctx.issues, path, fields, nested ? FIELDS : [...FIELDS, "service"], {
    ignored: IGNORED,
    unsupported: nested ? { ...UNSUPPORTED, service: "not allowed here: a nested route belongs to its service" } : UNSUPPORTED,
  });
  const name = readString(ctx.issues, path, fields, "name") ?? null;
  if (name !== null) {
    const problem = nameProblem(name);
    if (problem) ctx.issues.add([...path, "name"], problem);
  }
  const methods = readStringArray(ctx.issues, path, fields, "methods", methodProblem)?.map((m) => m.toUpperCase());
  const hosts = readStringArray(ctx.issues, path, fields, "hosts", routeHostProblem)?.map((h) => h.toLowerCase());
  const paths = readStringArray(ctx.issues, path, fields, "paths", routePathProblem);
  const headers = readHeaders(ctx, path, fields);
  const protocols = readStringArray(ctx.issues, path, fields, "protocols", (p) =>
    PROTOCOLS.includes(p) ? null : `expected one of: ${PROTOCOLS.join(", ")}`,
  );
  if (protocols !== undefined && protocols.length === 0 && Array.isArray(fields.protocols) && fields.protocols.length === 0) {
    ctx.issues.add([...path, "protocols"], "length must be at least 1");
  }
  const setsAny = [methods, hosts, paths].some((list) => list !== undefined && list.length > 0) ||
    Object.keys(headers).length > 0;
  // Fields that failed validation already have an issue; only complain when nothing was written.
  const wroteAny = ["methods", "hosts", "paths", "headers"].some((key) => nonEmpty(fields[key]));
  if (!setsAny && !wroteAny) {
    ctx.issues.add(path, "must set one of 'methods', 'hosts', 'headers', 'paths' when 'protocols' is 'http'");
  }
  let serviceRef: EntityReference | null = null;
  if (!nested && fields.service !== undefined && fields.service !== null) {
    serviceRef = readReference(ctx, [...path, "service"], fields.service);
  }
  return {
    path,
    givenId: readId(ctx, path, fields),
    serviceRef,
    chains: readList(ctx, path, fields, "filter_chains"),
    plugins: readList(ctx, path, fields, "plugins"),
    route: {
      id: "",
      name,
      service: null,
      protocols: protocols !== undefined && protocols.length > 0 ? protocols : ["http", "https"],
      methods: methods ?? [],
      hosts: hosts ?? [],
      paths: paths ?? [],
      headers,
      stripPath: readBoolean(ctx.issues, path, fields, "strip_path", true),
      preserveHost: readBoolean(ctx.issues, path, fields, "preserve_host", false),
      pathHandling: readEnum(ctx.issues, path, fields, "path_handling", PATH_HANDLING, "v0"),
      regexPriority: readInteger(ctx.issues, path, fields, "regex_priority", 0, INT32),
      httpsRedirectStatusCode: readRedirectCode(ctx, path, fields),
      filterChain: null,
      filterPlugins: [],
    },
  };
}

/** Kong's one-of: 426 (upgrade required) or a redirect to https. */
const REDIRECT_CODES = [426, 301, 302, 307, 308];

function readRedirectCode(ctx: LoadContext, path: DocPath, fields: Fields): number {
  const code = readInteger(ctx.issues, path, fields, "https_redirect_status_code", 426, { min: 0, max: 999 });
  if (REDIRECT_CODES.includes(code)) return code;
  ctx.issues.add([...path, "https_redirect_status_code"], `expected one of: ${REDIRECT_CODES.join(", ")}`);
  return 426;
}

function nonEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isRecord(value)) return Object.keys(value).length > 0;
  return true;
}

/** `headers`: header name → list of accepted values; a `~*` value is a case-insensitive regex. */
function readHeaders(ctx: LoadContext, path: DocPath, fields: Fields): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const value = fields.headers;
  if (value === undefined || value === null) return out;
  if (!isRecord(value)) {
    ctx.issues.add([...path, "headers"], "expected a map");
    return out;
  }
  const headersPath = [...path, "headers"];
  for (const name of Object.keys(value)) {
    const nameIssue = headerNameProblem(name);
    if (nameIssue) {
      ctx.issues.add([...headersPath, name], nameIssue, { key: true });
      continue;
    }
    const values = readStringArray(ctx.issues, headersPath, value, name, (v) =>
      v.startsWith("~*") ? regexProblem(v.slice(2)) : null,
    );
    if (values === undefined) continue;
    if (values.length === 0) {
      if (Array.isArray(value[name]) && (value[name] as unknown[]).length === 0) {
        ctx.issues.add([...headersPath, name], "length must be at least 1");
      }
      continue;
    }
    const key = name.toLowerCase();
    if (out[key]) ctx.issues.add([...headersPath, name], `duplicate header name: ${key}`, { key: true });
    else out[key] = values;
  }
  return out;
}

function readList(ctx: LoadContext, path: DocPath, fields: Fields, key: string): unknown[] {
  const value = fields[key];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  ctx.issues.add([...path, key], "expected an array");
  return [];
}
