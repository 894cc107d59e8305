/**
 * The opt-in `Server-Timing` response header (`PROXY_WASM_SERVER_TIMING=on`): one metric per
 * filter of the request's chain, its time and outcome, e.g.
 * `Server-Timing: greeting;dur=0.215;desc="continue"`. Browsers' developer tools show it next to
 * the request. It tells clients which filters run, so it is off unless set.
 * @module
 */
import type { FilterTiming } from "./filter-timing.ts";
import { roundMs } from "./filter-timing.ts";

/** Characters a Server-Timing metric name (an HTTP token) may not hold. */
const NOT_TOKEN = /[^!#$%&'*+\-.^_`|~0-9A-Za-z]/g;

/** Whether the setting turns the header on. */
export function serverTimingOn(setting: string | undefined): boolean {
  const value = setting?.trim().toLowerCase();
  return value === "on" || value === "true" || value === "1";
}

/** The header's value for a request's filters, in chain order; null when none was planned. */
export function serverTimingValue(filters: readonly FilterTiming[]): string | null {
  if (filters.length === 0) return null;
  return filters.map((filter) => `${filter.name.replace(NOT_TOKEN, "_")};dur=${roundMs(filter.ms)};desc="${filter.outcome}"`).join(", ");
}

/** `response` with the header added (a copy when its headers are immutable). */
export function withServerTiming(response: Response, filters: readonly FilterTiming[]): Response {
  const value = serverTimingValue(filters);
  if (value === null) return response;
  try {
    response.headers.append("server-timing", value);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    copy.headers.append("server-timing", value);
    return copy;
  }
}
