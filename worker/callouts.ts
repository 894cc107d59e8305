/**
 * The CalloutHost of one plugin: `proxy_http_call` may reach a service of the config by name
 * (Envoy cluster style) or a `host[:port]` listed in the plugin's `callout_hosts` (Kong style),
 * nothing else; the gateway is no open proxy.
 * @module
 */
import type { CalloutHost, CalloutRequest, CalloutResult } from "../abi/callout-api.ts";
import type { HttpExchange } from "../abi/exchange.ts";
import type { HeaderPair } from "../abi/pairs.ts";
import { Status } from "../abi/types.ts";
import type { FilterEntry, GatewayConfig } from "../config/model.ts";
import { RequestProperties } from "./properties.ts";
import { serviceOrigin } from "./service-origin.ts";
import { calloutTraceparent } from "./trace-context.ts";

/** The longest a callout may take when the filter gives no timeout (or a longer one). */
export const DEFAULT_CALLOUT_TIMEOUT_MS = 60_000;

function headerValue(headers: HeaderPair[], name: string): string | undefined {
  return headers.find(([n]) => n.toLowerCase() === name)?.[1];
}

/** The origin a callout goes to, or null when the target is not allowed. */
export function calloutOrigin(config: GatewayConfig, entry: FilterEntry, request: CalloutRequest): string | null {
  const service = config.services.find((s) => s.name === request.upstream && s.enabled);
  if (service) return serviceOrigin(service);
  const target = request.upstream.toLowerCase();
  if (!entry.calloutHosts.includes(target)) return null;
  const scheme = headerValue(request.headers, ":scheme") === "https" ? "https" : "http";
  return `${scheme}://${target}`;
}

const NO_BODY_METHODS = new Set(["GET", "HEAD"]);

export function calloutHost(config: GatewayConfig, entry: FilterEntry, maxTimeoutMs = DEFAULT_CALLOUT_TIMEOUT_MS): CalloutHost {
  return {
    send(request: CalloutRequest, from: HttpExchange | null): Status | Promise<CalloutResult> {
      const origin = calloutOrigin(config, entry, request);
      if (origin === null) return Status.BadArgument;
      const method = (headerValue(request.headers, ":method") ?? "GET").toUpperCase();
      const path = headerValue(request.headers, ":path") ?? "/";
      let url: URL;
      try {
        url = new URL(path.startsWith("/") ? origin + path : `${origin}/${path}`);
      } catch {
        return Status.BadArgument;
      }
      const headers = new Headers();
      for (const [name, value] of request.headers) {
        if (name.startsWith(":") || name.toLowerCase() === "host" || name.toLowerCase() === "content-length") continue;
        try {
          headers.append(name, value);
        } catch {
          return Status.BadArgument;
        }
      }
      addCalloutTrace(headers, from);
      const timeoutMs = request.timeoutMs > 0 ? Math.min(request.timeoutMs, maxTimeoutMs) : maxTimeoutMs;
      return send(url, method, headers, NO_BODY_METHODS.has(method) ? null : request.body, timeoutMs);
    },
  };
}

/**
 * A callout is a span of the request that made it: the request's trace id and flags with a new
 * span id, and the request's `tracestate`. A filter that sets its own `traceparent` keeps it; a
 * callout outside any request (`on_tick`) starts a trace of its own.
 */
function addCalloutTrace(headers: Headers, from: HttpExchange | null): void {
  if (headers.has("traceparent")) return;
  const properties = from?.properties;
  const parent = properties instanceof RequestProperties ? properties.facts.traceparent : null;
  headers.set("traceparent", calloutTraceparent(parent));
  const tracestate = parent === null ? null : from!.requestHeaders.get("tracestate");
  if (tracestate && !headers.has("tracestate")) headers.set("tracestate", tracestate);
}

async function send(url: URL, method: string, headers: Headers, body: Uint8Array | null, timeoutMs: number): Promise<CalloutResult> {
  try {
    const response = await fetch(url, {
      method,
      headers,
      body: body && body.length > 0 ? body : null,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const pairs: HeaderPair[] = [[":status", String(response.status)]];
    response.headers.forEach((value, name) => pairs.push([name, value]));
    return { ok: true, response: { headers: pairs, body: bytes, trailers: [] } };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return { ok: false, reason: timedOut ? "timeout" : "broken connection" };
  }
}
