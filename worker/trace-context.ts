/**
 * W3C trace context (`traceparent`): the gateway is a hop of the client's trace, or starts one.
 * The upstream gets the trace id it came with (or a new one) and the gateway's own span id; each
 * callout a filter makes gets the same trace id and a span id of its own.
 * @module
 */

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = "0".repeat(32);

export interface TraceContext {
  traceId: string;
  /** The `traceparent` to send on: this hop's span, the incoming flags (sampled when new). */
  traceparent: string;
}

/** 16 random hex digits: a new span id. */
function newSpanId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex === "0".repeat(16) ? newSpanId() : hex;
}

/**
 * The `traceparent` of a callout: a child span of `parent` (the request's traceparent as the
 * upstream gets it), or the root span of a new trace when there is no request (null).
 */
export function calloutTraceparent(parent: string | null): string {
  const match = parent === null ? null : TRACEPARENT.exec(parent);
  if (match === null) return `00-${crypto.randomUUID().replaceAll("-", "")}-${newSpanId()}-01`;
  return `00-${match[1]}-${newSpanId()}-${match[3]}`;
}

/**
 * The trace of a request with `traceparent` (null: none), continued or new. `requestId` (32
 * random hex digits) gives the gateway's span id, so the common case draws no new randomness.
 */
export function traceContext(traceparent: string | null, requestId: string): TraceContext {
  const match = traceparent === null ? null : TRACEPARENT.exec(traceparent.trim());
  const continued = match !== null && match[1] !== ZERO_TRACE && match[2] !== "0".repeat(16);
  const traceId = continued ? match[1] : crypto.randomUUID().replaceAll("-", "");
  const flags = continued ? match[3] : "01";
  return { traceId, traceparent: `00-${traceId}-${requestId.slice(16)}-${flags}` };
}
