/**
 * One request through one filter, offline: the filter runs on the gateway's own host code (the
 * `abi/` VM, plugin and stream, and the gateway's chain runner, body handling and request
 * properties from `worker/`), with a pretend upstream and pretend callout targets. Everything a
 * callback or host call did is traced. Free of Node APIs: the playground runs it in a browser.
 * @module
 */
import type { CalloutHost, CalloutRequest, CalloutResponse, CalloutResult } from "../abi/callout-api.ts";
import type { LocalResponse } from "../abi/context.ts";
import { describe, VmFailure } from "../abi/errors.ts";
import { HttpExchange } from "../abi/exchange.ts";
import { detectAbiVersion } from "../abi/exports.ts";
import { HeaderMap } from "../abi/header-map.ts";
import type { VmHost } from "../abi/host-api.ts";
import { encodeUtf8 } from "../abi/memory.ts";
import { LocalMetricsRegistry } from "../abi/metrics.ts";
import type { HeaderPair } from "../abi/pairs.ts";
import { Plugin } from "../abi/plugin.ts";
import { LocalSharedDataStore } from "../abi/shared-data.ts";
import { LocalSharedQueueRegistry } from "../abi/shared-queues.ts";
import { runTickIfDue } from "../abi/timers.ts";
import { LogLevel } from "../abi/types.ts";
import type { RouteConfig, ServiceConfig } from "../config/model.ts";
import { BodyStopped, filterWholeBody } from "../worker/body-filter.ts";
import { ChainRun, type StopOutcome } from "../worker/chain.ts";
import { KONG_MESSAGES } from "../worker/kong-errors.ts";
import { RequestProperties } from "../worker/properties.ts";
import { createTracedVm, Trace, type TraceEvent } from "./traced-vm.ts";

/** An HTTP message as the tools show it: regular headers only, in order, names lower-case. */
export interface Message {
  headers: [string, string][];
  body: string;
}

export interface RequestSpec extends Message {
  method: string;
  /** Path with query, as it would arrive (`/hello?x=1`). */
  path: string;
  /** The `:authority` (default `localhost`). */
  authority?: string;
}

export interface ResponseSpec extends Message {
  status: number;
}

/** Everything one offline run needs. */
export interface OfflineRun {
  /** The filter name (`plugin_name`, log lines). */
  filter: string;
  module: WebAssembly.Module;
  config: string;
  rootId: string;
  vmConfig: string;
  env?: Record<string, string>;
  request: RequestSpec;
  /** What the upstream answers. */
  upstream: ResponseSpec;
  /** What every callout gets; null: callouts fail as a broken connection. */
  callout: ResponseSpec | null;
  /**
   * Sends callouts somewhere real instead (e.g. `run --callout-url`): answers the response, or
   * null (or rejects) for a broken connection. Overrides `callout`.
   */
  sendCallout?: (callout: SentCallout, timeoutMs: number) => Promise<ResponseSpec | null>;
  /** How many `on_tick` calls to run after start-up, when the filter set a tick period. */
  ticks: number;
  /** The filter's log level: lines below it are dropped, as in the gateway. */
  logLevel: LogLevel;
  /** Whether the allocator calls appear in the trace. */
  showAllocations?: boolean;
  /** How long a paused request may wait for a resume (default 2000 ms). */
  pauseTimeoutMs?: number;
}

/** Where the client's response came from. */
export type ResponseSource = "upstream" | "local_response" | "gateway_error";

export interface UpstreamRequest extends Message {
  method: string;
  path: string;
  authority: string;
}

export interface ClientResponse extends ResponseSpec {
  source: ResponseSource;
}

/** A callout the filter sent, as the target would get it. */
export interface SentCallout {
  upstream: string;
  headers: [string, string][];
  body: string;
}

export interface OfflineResult {
  /** The module's ABI version. */
  abi: string;
  trace: TraceEvent[];
  /** The lines the filter logged, in order. */
  logs: { level: string; message: string }[];
  /** What the upstream would receive; null when the request never got there. */
  upstreamRequest: UpstreamRequest | null;
  response: ClientResponse;
  /** The local response the filter sent (status and details), if any. */
  localResponse: { status: number; details: string } | null;
  callouts: SentCallout[];
  /** Why the filter failed (a trap, a rejected configuration, a pause that never ended), if it did. */
  failure: string | null;
}

const LEVEL_NAMES = ["trace", "debug", "info", "warn", "error", "critical"];
const NO_BODY_STATUSES = new Set([101, 204, 205, 304]);
const BODY_BUFFER_LIMIT = 8 * 1024 * 1024;
const text = new TextDecoder();

/** Runs `run` and reports what happened; never throws for anything the filter did. */
export async function runOffline(run: OfflineRun): Promise<OfflineResult> {
  const trace = new Trace();
  trace.showAllocations = run.showAllocations ?? false;
  const logs: OfflineResult["logs"] = [];
  let clockNs = 0n;
  const host: VmHost = {
    log(_filter, level, message) {
      trace.log(level, message);
      logs.push({ level: LEVEL_NAMES[level] ?? String(level), message });
    },
    logLevel: () => run.logLevel,
    now: () => BigInt(Date.now()) * 1_000_000n,
    monotonic: () => clockNs,
    random: (bytes) => void crypto.getRandomValues(bytes),
    services: { sharedData: new LocalSharedDataStore(), queues: new LocalSharedQueueRegistry(), metrics: new LocalMetricsRegistry() },
  };
  const callouts: SentCallout[] = [];
  const abi = detectAbiVersion(run.module);
  const result: OfflineResult = {
    abi: abi ?? "none",
    trace: trace.events,
    logs,
    upstreamRequest: null,
    response: gatewayError("filterFailure"),
    localResponse: null,
    callouts,
    failure: null,
  };
  if (abi === null) {
    result.failure = "not a Proxy-Wasm module: it exports no proxy_abi_version_* marker";
    return result;
  }
  const calloutHost: CalloutHost = {
    send(request: CalloutRequest) {
      const sent: SentCallout = { upstream: request.upstream, headers: request.headers.map(([n, v]) => [n, v]), body: text.decode(request.body) };
      callouts.push(sent);
      const answered = run.sendCallout ? run.sendCallout(sent, request.timeoutMs || 5000).catch(() => null) : Promise.resolve(run.callout);
      return answered.then((answer): CalloutResult => {
        if (answer === null) return { ok: false, reason: "broken connection" };
        const response: CalloutResponse = { headers: [[":status", String(answer.status)], ...answer.headers], body: encodeUtf8(answer.body), trailers: [] };
        return { ok: true, response };
      });
    },
  };

  let plugin: Plugin;
  try {
    const { vm } = createTracedVm(run.module, { filter: run.filter, vmId: run.filter, abi, env: run.env ?? {}, host, callouts: calloutHost }, trace);
    plugin = Plugin.start(vm, {
      name: run.filter,
      rootId: run.rootId,
      configuration: encodeUtf8(run.config),
      vmConfiguration: encodeUtf8(run.vmConfig),
    });
    for (let tick = 0; tick < run.ticks && plugin.root.tickPeriodMs > 0; tick++) {
      clockNs = BigInt(plugin.root.nextTickAt) * 1_000_000n;
      await runTickIfDue(vm, plugin.root);
    }
  } catch (error) {
    result.failure = error instanceof VmFailure ? error.message : describe(error);
    return result;
  }

  await throughChain(run, plugin, result);
  return result;
}

/** The trace an offline request belongs to (W3C's example ids), so its callouts show one. */
const OFFLINE_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

/** The request's way through the chain of one plugin, as the gateway's proxy takes it. */
async function throughChain(run: OfflineRun, plugin: Plugin, result: OfflineResult): Promise<void> {
  const { request } = run;
  const route = { id: "offline-route", name: "offline" } as RouteConfig;
  const service = { id: "offline-service", name: "upstream" } as ServiceConfig;
  const properties = new RequestProperties({ requestId: "offline-request", receivedAt: Date.now(), protocol: "HTTP/1.1", clientAddress: "127.0.0.1", traceparent: OFFLINE_TRACEPARENT, route, service });
  const authority = request.authority ?? "localhost";
  const exchange = new HttpExchange(
    new HeaderMap([[":authority", authority], [":path", request.path], [":method", request.method.toUpperCase()], [":scheme", "http"], ...request.headers]),
    properties,
  );
  properties.exchange = exchange;
  const chain = new ChainRun([{ plugin, failurePolicy: "fail_closed" }], exchange, run.pauseTimeoutMs ?? 2000);
  const stop = (outcome: StopOutcome | BodyStopped["outcome"]) => stopped(outcome, result);
  try {
    const requestBody = encodeUtf8(request.body);
    const outcome = await chain.requestHeaders(requestBody.length === 0);
    if (outcome.kind === "local_response") return await respond(chain, exchange, local(outcome.response, result), "local_response", result);
    if (outcome.kind !== "continue") return stop(outcome);
    let body = requestBody;
    if (body.length > 0 && chain.handles("on_request_body")) {
      try {
        body = await filterWholeBody(chain, exchange, "request", body, BODY_BUFFER_LIMIT);
      } catch (error) {
        if (!(error instanceof BodyStopped)) throw error;
        if (error.outcome.kind === "local_response") return await respond(chain, exchange, local(error.outcome.response, result), "local_response", result);
        return stop(error.outcome);
      }
    }
    const headers = exchange.requestHeaders;
    result.upstreamRequest = {
      method: headers.get(":method") ?? request.method,
      path: headers.get(":path") ?? "/",
      authority: headers.get(":authority") ?? authority,
      headers: regular(headers),
      body: text.decode(body),
    };
    await respond(chain, exchange, run.upstream, "upstream", result);
  } finally {
    chain.finish();
  }
}

/** The response phases over `response`: a local response from on_response_headers replaces an upstream one once. */
async function respond(chain: ChainRun, exchange: HttpExchange, response: ResponseSpec, source: ResponseSource, result: OfflineResult): Promise<void> {
  exchange.responseHeaders = new HeaderMap([[":status", String(response.status)], ...response.headers]);
  const bodyBytes = NO_BODY_STATUSES.has(response.status) ? new Uint8Array(0) : encodeUtf8(response.body);
  const outcome = await chain.responseHeaders(bodyBytes.length === 0);
  if (outcome.kind === "local_response" && source === "upstream") return respond(chain, exchange, local(outcome.response, result), "local_response", result);
  if (outcome.kind !== "continue" && outcome.kind !== "local_response") return stopped(outcome, result);
  let body = bodyBytes;
  if (body.length > 0 && chain.handles("on_response_body")) {
    try {
      body = await filterWholeBody(chain, exchange, "response", body, BODY_BUFFER_LIMIT, source === "local_response");
    } catch (error) {
      if (!(error instanceof BodyStopped)) throw error;
      return stopped(error.outcome, result);
    }
  }
  const map = exchange.responseHeaders;
  const status = Number(map.get(":status"));
  result.response = { status: Number.isInteger(status) && status >= 200 && status <= 599 ? status : response.status, headers: regular(map), body: text.decode(body), source };
}

/** A local response as the gateway turns it into a response: `content-type: text/plain` when it has a body and no type. */
function local(response: LocalResponse, result: OfflineResult): ResponseSpec {
  result.localResponse = { status: response.status, details: response.details };
  const headers: [string, string][] = response.headers.map(([n, v]) => [n.toLowerCase(), v]);
  if (response.body.length > 0 && !headers.some(([n]) => n === "content-type")) headers.push(["content-type", "text/plain"]);
  return { status: response.status, headers, body: text.decode(response.body) };
}

/** The gateway's error response for a stop, as `worker/proxy.ts` answers it. */
function stopped(outcome: StopOutcome | BodyStopped["outcome"], result: OfflineResult): void {
  switch (outcome.kind) {
    case "local_response":
      return;
    case "failed":
      result.failure = outcome.failure.message;
      result.response = gatewayError("filterFailure");
      return;
    case "timed_out":
      result.failure = `filter "${outcome.filter}" paused and did not resume within ${outcome.ms} ms`;
      result.response = gatewayErrorWithMessage(504, "A filter paused the request and did not resume it in time");
      return;
    case "closed":
      result.response = gatewayErrorWithMessage(502, "The request was closed by a filter");
      return;
    case "too_large":
      result.response = gatewayErrorWithMessage(413, "Request size limit exceeded");
      return;
  }
}

function gatewayError(error: keyof typeof KONG_MESSAGES): ClientResponse {
  const [status, message] = KONG_MESSAGES[error];
  return gatewayErrorWithMessage(status, message);
}

function gatewayErrorWithMessage(status: number, message: string): ClientResponse {
  return {
    status,
    headers: [["content-type", "application/json; charset=utf-8"]],
    body: JSON.stringify({ message, request_id: "offline-request" }),
    source: "gateway_error",
  };
}

function regular(map: HeaderMap): [string, string][] {
  return map.pairs().filter(([name]) => !name.startsWith(":")).map(([n, v]) => [n, v] as [string, string]);
}

/** Parses `name: value` header lines (the CLI's and the playground's form). */
export function parseHeaderLine(line: string): HeaderPair | null {
  const colon = line.indexOf(":", line.startsWith(":") ? 1 : 0);
  if (colon <= 0) return null;
  return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
}
