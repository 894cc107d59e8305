/**
 * The YAML fixture format of `proxy-wasm-workers test`: a filter, its plugin settings, and
 * requests, each with what the upstream (and callouts) answer and what is expected — the request
 * the upstream gets, the response the client gets, log lines, a failure. Every mistake names its
 * place in the document (`requests[1].expect.response.status`).
 * @module
 */
import { parse as parseYaml } from "yaml";
import type { LogLevel } from "../abi/types.ts";
import { LOG_LEVEL_NAMES } from "../abi/types.ts";
import type { RequestSpec, ResponseSpec } from "./offline-request.ts";

/** Header expectations: a value to equal, or null for "must be absent". */
export type HeaderExpectations = Record<string, string | null>;

export interface MessageExpectation {
  headers?: HeaderExpectations;
  body?: string;
}

export interface Expectations {
  /** null: the request must not reach the upstream. */
  upstreamRequest?: (MessageExpectation & { method?: string; path?: string }) | null;
  response?: MessageExpectation & { status?: number };
  /** Each must appear in a log line, in this order (a substring, or `/regex/`). */
  logs?: string[];
  /** true/false: whether the filter must fail; a string: it must fail with that in the reason. */
  failure?: boolean | string;
}

export interface FixtureCase {
  name: string;
  request: RequestSpec;
  upstream: ResponseSpec;
  callout: ResponseSpec | null;
  ticks: number;
  expect: Expectations;
}

export interface Fixture {
  /** The filter, resolved against the fixture file's folder by the caller. */
  filter: string;
  config: string;
  rootId: string;
  vmConfig: string;
  logLevel: LogLevel;
  cases: FixtureCase[];
}

/** A mistake in a fixture document, with where it is. */
export class FixtureError extends Error {
  override name = "FixtureError";
}

type Node = unknown;

const isMap = (value: Node): value is Record<string, Node> => typeof value === "object" && value !== null && !Array.isArray(value);

function fail(at: string, message: string): never {
  throw new FixtureError(`${at}: ${message}`);
}

function map(value: Node, at: string, keys: readonly string[]): Record<string, Node> {
  if (!isMap(value)) fail(at, "must be a mapping");
  for (const key of Object.keys(value)) if (!keys.includes(key)) fail(`${at}.${key}`, `unknown key (known: ${keys.join(", ")})`);
  return value;
}

function string(value: Node, at: string, fallback?: string): string {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (typeof value !== "string") fail(at, "must be a string");
  return value;
}

function status(value: Node, at: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 100 || value > 599) fail(at, "must be an HTTP status (100–599)");
  return value;
}

/** Headers as a mapping (`name: value`) or a list of `name: value` strings; names lower-cased. */
function headers(value: Node, at: string): [string, string][] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    return value.map((line, i) => {
      const text = string(line, `${at}[${i}]`);
      const colon = text.indexOf(":", 1);
      if (colon < 0) fail(`${at}[${i}]`, 'must look like "name: value"');
      return [text.slice(0, colon).trim().toLowerCase(), text.slice(colon + 1).trim()];
    });
  }
  if (!isMap(value)) fail(at, "must be a mapping of header names to values");
  return Object.entries(value).map(([name, v]) => [name.toLowerCase(), string(v, `${at}.${name}`)]);
}

function headerExpectations(value: Node, at: string): HeaderExpectations | undefined {
  if (value === undefined) return undefined;
  if (!isMap(value)) fail(at, "must be a mapping of header names to values (null: must be absent)");
  return Object.fromEntries(Object.entries(value).map(([name, v]) => [name.toLowerCase(), v === null ? null : string(v, `${at}.${name}`)]));
}

/** The plugin configuration: a string as it is, a mapping or list as JSON (like a meta.json schema). */
function configuration(value: Node, at: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (typeof value === "object") return JSON.stringify(value);
  return string(value, at);
}

function request(value: Node, at: string): RequestSpec {
  if (value === undefined) return { method: "GET", path: "/", headers: [], body: "" };
  if (typeof value === "string") return { ...requestLine(value, at), headers: [], body: "" };
  const m = map(value, at, ["line", "method", "path", "authority", "headers", "body"]);
  const line = m.line === undefined ? null : requestLine(string(m.line, `${at}.line`), `${at}.line`);
  const path = line?.path ?? string(m.path, `${at}.path`, "/");
  if (!path.startsWith("/")) fail(`${at}.path`, 'must start with "/"');
  const spec: RequestSpec = {
    method: (line?.method ?? string(m.method, `${at}.method`, "GET")).toUpperCase(),
    path,
    headers: headers(m.headers, `${at}.headers`),
    body: string(m.body, `${at}.body`, ""),
  };
  if (m.authority !== undefined) spec.authority = string(m.authority, `${at}.authority`);
  return spec;
}

function requestLine(text: string, at: string): { method: string; path: string } {
  const parts = text.trim().split(/\s+/);
  const [method, path] = parts.length === 1 ? ["GET", parts[0]] : parts;
  if (parts.length > 2 || !path?.startsWith("/")) fail(at, 'must look like "GET /path"');
  return { method: method.toUpperCase(), path };
}

function response(value: Node, at: string): ResponseSpec {
  if (value === undefined) return { status: 200, headers: [], body: "" };
  const m = map(value, at, ["status", "headers", "body"]);
  return { status: status(m.status, `${at}.status`, 200), headers: headers(m.headers, `${at}.headers`), body: string(m.body, `${at}.body`, "") };
}

function expectations(value: Node, at: string): Expectations {
  if (value === undefined) return {};
  const m = map(value, at, ["upstream_request", "response", "logs", "failure"]);
  const result: Expectations = {};
  if (m.upstream_request === null) result.upstreamRequest = null;
  else if (m.upstream_request !== undefined) {
    const u = map(m.upstream_request, `${at}.upstream_request`, ["method", "path", "headers", "body"]);
    result.upstreamRequest = {
      ...(u.method !== undefined && { method: string(u.method, `${at}.upstream_request.method`).toUpperCase() }),
      ...(u.path !== undefined && { path: string(u.path, `${at}.upstream_request.path`) }),
      ...(u.headers !== undefined && { headers: headerExpectations(u.headers, `${at}.upstream_request.headers`) }),
      ...(u.body !== undefined && { body: string(u.body, `${at}.upstream_request.body`) }),
    };
  }
  if (m.response !== undefined) {
    const r = map(m.response, `${at}.response`, ["status", "headers", "body"]);
    result.response = {
      ...(r.status !== undefined && { status: status(r.status, `${at}.response.status`) }),
      ...(r.headers !== undefined && { headers: headerExpectations(r.headers, `${at}.response.headers`) }),
      ...(r.body !== undefined && { body: string(r.body, `${at}.response.body`) }),
    };
  }
  if (m.logs !== undefined) {
    if (!Array.isArray(m.logs)) fail(`${at}.logs`, "must be a list of strings");
    result.logs = m.logs.map((line, i) => string(line, `${at}.logs[${i}]`));
  }
  if (m.failure !== undefined) {
    if (typeof m.failure !== "boolean" && typeof m.failure !== "string") fail(`${at}.failure`, "must be true, false or a part of the reason");
    result.failure = m.failure;
  }
  return result;
}

/** Parses a fixture document. @throws FixtureError naming the place of the first mistake. */
export function parseFixture(text: string): Fixture {
  let document: Node;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new FixtureError(`not YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  const top = map(document, "fixture", ["filter", "config", "root_id", "vm_config", "log_level", "requests"]);
  const logLevelName = string(top.log_level, "log_level", "trace");
  const logLevel = (LOG_LEVEL_NAMES as readonly string[]).indexOf(logLevelName);
  if (logLevel < 0) fail("log_level", `must be one of ${LOG_LEVEL_NAMES.join(", ")}`);
  if (!Array.isArray(top.requests) || top.requests.length === 0) fail("requests", "must be a non-empty list");
  return {
    filter: string(top.filter, "filter"),
    config: configuration(top.config, "config"),
    rootId: string(top.root_id, "root_id", ""),
    vmConfig: configuration(top.vm_config, "vm_config"),
    logLevel: logLevel as LogLevel,
    cases: top.requests.map((entry, i) => {
      const at = `requests[${i}]`;
      const m = map(entry, at, ["name", "request", "upstream_response", "callout_response", "ticks", "expect"]);
      const ticks = m.ticks === undefined ? 0 : m.ticks;
      if (typeof ticks !== "number" || !Number.isInteger(ticks) || ticks < 0) fail(`${at}.ticks`, "must be a whole number");
      return {
        name: string(m.name, `${at}.name`, `request ${i + 1}`),
        request: request(m.request, `${at}.request`),
        upstream: response(m.upstream_response, `${at}.upstream_response`),
        callout: m.callout_response === undefined ? null : response(m.callout_response, `${at}.callout_response`),
        ticks,
        expect: expectations(m.expect, `${at}.expect`),
      };
    }),
  };
}
