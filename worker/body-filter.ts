/**
 * Routes a body through the `on_*_body` callbacks of a chain, chunk by chunk. A filter that pauses
 * keeps receiving the cumulative body it has buffered until it continues (or the stream ends);
 * nothing is buffered when every filter continues.
 * @module
 */
import type { HttpExchange } from "../abi/exchange.ts";
import { Action } from "../abi/types.ts";
import type { ChainRun, StopOutcome } from "./chain.ts";

type Direction = "request" | "response";

/** What stopped a body: the outcome that ended it (failure or local response). */
export class BodyStopped extends Error {
  constructor(readonly outcome: StopOutcome) {
    super(outcome.kind === "failed" ? outcome.failure.message : "local response");
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const all = new Uint8Array(a.length + b.length);
  all.set(a, 0);
  all.set(b, a.length);
  return all;
}

const EMPTY = new Uint8Array(0);

/** A TransformStream that runs every chunk through the chain's body callbacks. */
export function bodyFilter(chain: ChainRun, exchange: HttpExchange, direction: Direction, onDone: () => void): TransformStream<Uint8Array, Uint8Array> {
  const buffered: Uint8Array[] = Array.from({ length: chain.size }, () => EMPTY);
  const setBody = (bytes: Uint8Array) => {
    if (direction === "request") exchange.requestBody = bytes;
    else exchange.responseBody = bytes;
  };
  const getBody = () => (direction === "request" ? exchange.requestBody : exchange.responseBody) ?? EMPTY;
  exchange.phase = direction === "request" ? "request_body" : "response_body";

  /** Passes `chunk` through filters `from..n`; returns what leaves the last one. */
  const run = (chunk: Uint8Array, endOfStream: boolean): Uint8Array => {
    let data = chunk;
    for (let i = 0; i < chain.size; i++) {
      const body = concat(buffered[i], data);
      setBody(body);
      const result = chain.body(i, direction, body.length, endOfStream);
      if (typeof result !== "number") throw new BodyStopped(result);
      if (result === Action.Pause && !endOfStream) {
        buffered[i] = getBody();
        return EMPTY;
      }
      // A Pause on the last chunk would wait for a continue nothing can send yet: it continues.
      buffered[i] = EMPTY;
      data = getBody();
    }
    return data;
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      try {
        const out = run(chunk, false);
        if (out.length > 0) controller.enqueue(out);
      } catch (error) {
        onDone();
        throw error;
      }
    },
    flush(controller) {
      try {
        const out = run(EMPTY, true);
        if (out.length > 0) controller.enqueue(out);
      } finally {
        onDone();
      }
    },
  });
}
