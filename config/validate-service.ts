/**
 * `services` entities: the upstream (url shorthand or protocol/host/port/path), timeouts,
 * and the nested routes and filter chains the loader reads afterwards.
 * @module
 */
import type { LoadContext } from "./context.ts";
import { asRecord, checkKnownFields, readBoolean, readEnum, readInteger, readString } from "./fields.ts";
import type { Fields } from "./fields.ts";
import type { ServiceConfig, ServiceProtocol } from "./model.ts";
import { readId } from "./validate-filter-chain.ts";
import { nameProblem, serviceHostProblem } from "./validate-values.ts";
import type { DocPath } from "./yaml-source.ts";

/** A service as read; `id` is settled by the loader. */
export interface ServiceDraft {
  path: DocPath;
  givenId: string | null;
  service: ServiceConfig;
  /** Raw nested `routes`, `filter_chains` and `plugins` items, read by the loader with their paths. */
  routes: unknown[];
  chains: unknown[];
  plugins: unknown[];
}

const FIELDS = [
  "id", "name", "url", "protocol", "host", "port", "path", "retries",
  "connect_timeout", "write_timeout", "read_timeout", "enabled", "routes", "filter_chains", "plugins",
] as const;
const IGNORED = ["tags", "created_at", "updated_at"] as const;
const NOT_HERE = "not supported by this gateway";
const UNSUPPORTED = {
  tls_verify: NOT_HERE,
  tls_verify_depth: NOT_HERE,
  ca_certificates: NOT_HERE,
  client_certificate: NOT_HERE,
};
const PROTOCOLS: readonly ServiceProtocol[] = ["http", "https"];
const TIMEOUT = { min: 1, max: 2147483646 };
// Kong's url shorthand keeps "no path" apart from "/", which `URL#pathname` cannot tell.
const URL_SHAPE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)([?#].*)?$/;

/** Reads one service entity. */
export function readService(ctx: LoadContext, path: DocPath, value: unknown): ServiceDraft | null {
  const fields = asRecord(ctx.issues, path, value);
  if (!fields) return null;
  checkKnownFields(ctx.issues, path, fields, FIELDS, { ignored: IGNORED, unsupported: UNSUPPORTED });
  const name = readString(ctx.issues, path, fields, "name") ?? null;
  if (name !== null) {
    const problem = nameProblem(name);
    if (problem) ctx.issues.add([...path, "name"], problem);
  }
  const upstream = readUpstream(ctx, path, fields);
  return {
    path,
    givenId: readId(ctx, path, fields),
    service: {
      id: "",
      name,
      ...upstream,
      retries: readInteger(ctx.issues, path, fields, "retries", 5, { min: 0, max: 32767 }),
      connectTimeout: readInteger(ctx.issues, path, fields, "connect_timeout", 60000, TIMEOUT),
      writeTimeout: readInteger(ctx.issues, path, fields, "write_timeout", 60000, TIMEOUT),
      readTimeout: readInteger(ctx.issues, path, fields, "read_timeout", 60000, TIMEOUT),
      enabled: readBoolean(ctx.issues, path, fields, "enabled", true),
      filterChain: null,
      filterPlugins: [],
    },
    routes: readNestedList(ctx, path, fields, "routes"),
    chains: readNestedList(ctx, path, fields, "filter_chains"),
    plugins: readNestedList(ctx, path, fields, "plugins"),
  };
}

type Upstream = Pick<ServiceConfig, "protocol" | "host" | "port" | "path">;

function readUpstream(ctx: LoadContext, path: DocPath, fields: Fields): Upstream {
  const url = readString(ctx.issues, path, fields, "url");
  if (url !== undefined) {
    for (const key of ["protocol", "host", "port", "path"]) {
      if (fields[key] !== undefined && fields[key] !== null) {
        ctx.issues.add([...path, key], "only one or none of these fields must be set: 'url', '" + key + "'");
      }
    }
    return parseServiceUrl(ctx, [...path, "url"], url);
  }
  const protocol = readEnum(ctx.issues, path, fields, "protocol", PROTOCOLS, "http");
  let host = readString(ctx.issues, path, fields, "host");
  if (host === undefined) {
    if (fields.host === undefined || fields.host === null) ctx.issues.add([...path, "host"], "required field missing");
  } else {
    const problem = serviceHostProblem(host);
    if (problem) ctx.issues.add([...path, "host"], problem);
    host = host.toLowerCase();
  }
  const servicePath = readString(ctx.issues, path, fields, "path") ?? null;
  if (servicePath !== null) {
    const problem = servicePathProblem(servicePath);
    if (problem) ctx.issues.add([...path, "path"], problem);
  }
  return {
    protocol,
    host: host ?? "",
    port: readInteger(ctx.issues, path, fields, "port", 80, { min: 0, max: 65535 }),
    path: servicePath,
  };
}

/** Parses the `url` shorthand into protocol, host, port and path. */
function parseServiceUrl(ctx: LoadContext, path: DocPath, url: string): Upstream {
  const fallback: Upstream = { protocol: "http", host: "", port: 80, path: null };
  const shape = URL_SHAPE.exec(url);
  if (!shape) {
    ctx.issues.add(path, `invalid url: ${url}`);
    return fallback;
  }
  const scheme = shape[1].toLowerCase();
  if (scheme !== "http" && scheme !== "https") {
    ctx.issues.add(path, `unsupported protocol '${scheme}': expected one of: http, https`);
    return fallback;
  }
  if (shape[4] !== undefined) {
    ctx.issues.add(path, "url must not contain a query string or fragment");
    return fallback;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    ctx.issues.add(path, `invalid url: ${url}`);
    return fallback;
  }
  if (parsed.hostname === "") {
    ctx.issues.add(path, `missing host in url: ${url}`);
    return fallback;
  }
  if (parsed.username !== "" || parsed.password !== "") {
    ctx.issues.add(path, "url must not contain credentials");
    return fallback;
  }
  const servicePath = shape[3] === "" ? null : shape[3];
  return {
    protocol: scheme,
    host: parsed.hostname,
    port: parsed.port === "" ? (scheme === "https" ? 443 : 80) : Number(parsed.port),
    path: servicePath,
  };
}

function servicePathProblem(value: string): string | null {
  if (!value.startsWith("/")) return "should start with: /";
  if (/[?#]/.test(value)) return "must not contain a query string or fragment";
  return null;
}

function readNestedList(ctx: LoadContext, path: DocPath, fields: Fields, key: string): unknown[] {
  const value = fields[key];
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  ctx.issues.add([...path, key], "expected an array");
  return [];
}
