/**
 * The flags of `proxy-wasm-workers run FILTER.wasm`: the plugin's settings, the request, what the
 * upstream and callout targets answer, ticks, log level and the expectation the exit status checks.
 * @module
 */
import { LogLevel, LOG_LEVEL_NAMES } from "../abi/types.ts";
import { integer, parse } from "./author-args.ts";
import { CliError } from "./cli-error.ts";
import { parseHeaderLine, type RequestSpec, type ResponseSpec } from "./offline-request.ts";

export interface RunOptions {
  file: string;
  config: string;
  rootId: string;
  vmConfig: string;
  request: RequestSpec;
  upstream: ResponseSpec;
  callout: ResponseSpec | null;
  /** `--callout-url`: callouts are sent to this origin (their `:path` appended) instead. */
  calloutUrl: string | null;
  ticks: number;
  logLevel: LogLevel;
  json: boolean;
  /** `--expect-status`: the status the client must get, else exit 3. */
  expectStatus: number | null;
  showAllocations: boolean;
}

export const RUN_USAGE = `  run FILTER.wasm      one request through the filter, offline, with a trace
      --config STRING --root-id ID --vm-config STRING
      --request 'METHOD /path'   (default: GET /)
      --header 'name: value'     request header (repeatable)
      --body STRING              request body
      --response-status N        what the upstream answers (default: 200)
      --response-header 'name: value' (repeatable) --response-body STRING
      --callout-response 'STATUS [BODY]'  what every callout gets (default: callouts fail
                                 as a broken connection)
      --callout-header 'name: value'      headers of that callout response (repeatable)
      --callout-url URL          send callouts for real to URL + their :path instead
      --ticks N                  run on_tick N times after start-up (default: 0)
      --log-level LEVEL          trace|debug|info|warn|error|critical (default: trace)
      --expect-status N          exit 3 unless the client gets status N
      --allocations              show the allocator calls in the trace too
      --json                     the result as JSON
      exit status: 0 the request went through the filter, 2 the filter failed (trap,
      rejected configuration, pause without resume), 3 --expect-status did not match
`;

/** Parses the arguments after `run`. */
export function parseRunOptions(argv: readonly string[]): RunOptions {
  const { values, positionals } = parse(argv, {
    config: { type: "string" },
    "root-id": { type: "string" },
    "vm-config": { type: "string" },
    request: { type: "string" },
    header: { type: "string", multiple: true },
    body: { type: "string" },
    "response-status": { type: "string" },
    "response-header": { type: "string", multiple: true },
    "response-body": { type: "string" },
    "callout-response": { type: "string" },
    "callout-header": { type: "string", multiple: true },
    "callout-url": { type: "string" },
    ticks: { type: "string" },
    "log-level": { type: "string" },
    "expect-status": { type: "string" },
    allocations: { type: "boolean" },
    json: { type: "boolean" },
  });
  if (positionals.length !== 1) throw new CliError("run needs exactly one FILTER.wasm");
  const str = (name: string) => values[name] as string | undefined;
  const list = (name: string) => ((values[name] as string[] | undefined) ?? []).map((line) => header(`--${name}`, line));
  const [method, path] = requestLine(str("request") ?? "GET /");
  const expected = str("expect-status");
  return {
    file: positionals[0],
    config: str("config") ?? "",
    rootId: str("root-id") ?? "",
    vmConfig: str("vm-config") ?? "",
    request: { method, path, headers: list("header"), body: str("body") ?? "" },
    upstream: { status: integer("--response-status", str("response-status") ?? "200", 100, 599), headers: list("response-header"), body: str("response-body") ?? "" },
    callout: calloutResponse(str("callout-response"), list("callout-header")),
    calloutUrl: calloutUrl(str("callout-url")),
    ticks: integer("--ticks", str("ticks") ?? "0", 0, 10_000),
    logLevel: logLevel(str("log-level") ?? "trace"),
    json: values.json === true,
    expectStatus: expected === undefined ? null : integer("--expect-status", expected, 100, 599),
    showAllocations: values.allocations === true,
  };
}

/** `METHOD /path`; a bare `/path` is a GET. */
export function requestLine(text: string): [string, string] {
  const parts = text.trim().split(/\s+/);
  const [method, path] = parts.length === 1 ? ["GET", parts[0]] : parts;
  if (parts.length > 2 || !path?.startsWith("/") || !/^[A-Za-z]+$/.test(method)) throw new CliError(`--request must look like "GET /path", got "${text}"`);
  return [method.toUpperCase(), path];
}

function header(flag: string, line: string): [string, string] {
  const pair = parseHeaderLine(line);
  if (pair === null) throw new CliError(`${flag} must look like "name: value", got "${line}"`);
  return [pair[0], pair[1]];
}

function calloutResponse(text: string | undefined, headers: [string, string][]): ResponseSpec | null {
  if (text === undefined) return null;
  const match = /^\s*(\d{3})(?:\s+([\s\S]*))?$/.exec(text);
  if (!match) throw new CliError(`--callout-response must look like "200 body", got "${text}"`);
  return { status: Number(match[1]), headers, body: match[2] ?? "" };
}

function calloutUrl(text: string | undefined): string | null {
  if (text === undefined) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new CliError(`--callout-url must be an http(s) URL, got "${text}"`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CliError(`--callout-url must be an http(s) URL, got "${text}"`);
  return url.origin + url.pathname.replace(/\/$/, "");
}

/** A log level by name. */
export function logLevel(text: string): LogLevel {
  const index = (LOG_LEVEL_NAMES as readonly string[]).indexOf(text.toLowerCase());
  if (index < 0) throw new CliError(`--log-level must be one of ${LOG_LEVEL_NAMES.join(", ")}, got "${text}"`);
  return index as LogLevel;
}
