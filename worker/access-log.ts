/**
 * The access log: one JSON line per request through `console.log`, which `serve` prints and
 * Cloudflare's Workers Logs, Logpush and Tail Workers collect. `PROXY_WASM_ACCESS_LOG` turns it
 * on (`on`: every field) or picks fields (`request_id,status,latencies`). Off unless set (`serve`
 * sets it on): a `console.log` per request measured ~70 µs of workerd CPU, more than a filter.
 * @module
 */

import { clientAddress, type ClientAddressSource } from "./client-address.ts";
import type { FilterTiming } from "./filter-timing.ts";

export const ACCESS_LOG_FIELDS = [
  "time",
  "request_id",
  "trace_id",
  "client_ip",
  "method",
  "path",
  "route",
  "service",
  "filters",
  "status",
  "upstream_status",
  "latencies",
  "bytes_in",
  "bytes_out",
] as const;

export type AccessLogField = (typeof ACCESS_LOG_FIELDS)[number];

/** The fields to log, or null when the log is off (the default). Unknown names are left out. */
export function accessLogFields(setting: string | undefined): AccessLogField[] | null {
  const value = setting?.trim().toLowerCase();
  if (value === undefined || value === "" || value === "off" || value === "false" || value === "0") return null;
  if (value === "on" || value === "true" || value === "1") return [...ACCESS_LOG_FIELDS];
  const wanted = new Set(value.split(",").map((name) => name.trim()));
  return ACCESS_LOG_FIELDS.filter((name) => wanted.has(name));
}

/** What routing learnt about a request, filled in as it goes. */
export interface RequestFacts {
  requestId: string;
  traceId: string;
  receivedAt: number;
  route: string | null;
  service: string | null;
  /** Each planned filter's time and outcome, in chain order; null when nobody reads them. */
  filters: FilterTiming[] | null;
}

function contentLength(headers: Headers): number | null {
  const value = headers.get("content-length");
  return value === null ? null : Number(value);
}

function numberHeader(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  return value === null ? null : Number(value);
}

/** The log line of a request and the response it got (headers sent; the body may still stream). */
export function accessLogLine(
  fields: readonly AccessLogField[],
  request: Request,
  url: URL,
  response: Response,
  facts: RequestFacts,
  clientFrom: ClientAddressSource,
): string {
  const proxied = response.headers.has("x-kong-upstream-latency");
  const all: Record<AccessLogField, unknown> = {
    time: new Date(facts.receivedAt).toISOString(),
    request_id: facts.requestId,
    trace_id: facts.traceId,
    client_ip: clientAddress(request, clientFrom),
    method: request.method,
    path: url.pathname + url.search,
    route: facts.route,
    service: facts.service,
    filters: facts.filters ?? [],
    status: response.status,
    upstream_status: proxied ? response.status : null,
    // Kong's three: the whole request, the gateway's own share, the upstream's.
    latencies: {
      request: Date.now() - facts.receivedAt,
      kong: numberHeader(response.headers, "x-kong-proxy-latency") ?? numberHeader(response.headers, "x-kong-response-latency"),
      proxy: numberHeader(response.headers, "x-kong-upstream-latency"),
    },
    bytes_in: contentLength(request.headers),
    bytes_out: contentLength(response.headers),
  };
  const line: Record<string, unknown> = {};
  for (const field of fields) line[field] = all[field];
  return JSON.stringify(line);
}
