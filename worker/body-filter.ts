/**
 * Routes a body through the `on_*_body` callbacks of a chain, chunk by chunk, as a pull-based
 * stream. A filter that pauses keeps receiving the cumulative body it has buffered until it
 * continues (or, on the last chunk, until it is resumed); nothing is buffered when every filter
 * continues. A buffer over the limit stops the body.
 * @module
 */
import type { HttpExchange } from "../abi/exchange.ts";
import { Action } from "../abi/types.ts";
import type { ChainRun, Direction, StopOutcome } from "./chain.ts";

/** The body stopped: a filter failed, answered locally, timed out, or buffered too much. */
export class BodyStopped extends Error {
  constructor(readonly outcome: StopOutcome | { kind: "too_large"; filter: string; limit: number }) {
    super(`body stopped: ${outcome.kind}`);
    this.name = "BodyStopped";
  }
}

export interface BodyFilterOptions {
  /** The most a paused filter may buffer, in bytes. */
  bufferLimit: number;
  /** Called once when the body ended, failed or was cancelled. */
  onEnd(): void;
  /** Called when the body stops; fetch does not pass the error itself on. */
  onStop?(stop: BodyStopped): void;
}

const EMPTY = new Uint8Array(0);

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const all = new Uint8Array(a.length + b.length);
  all.set(a, 0);
  all.set(b, a.length);
  return all;
}

/** A body stream whose chunks have passed the chain's body callbacks. */
export function filteredBody(
  source: ReadableStream<Uint8Array>,
  chain: ChainRun,
  exchange: HttpExchange,
  direction: Direction,
  options: BodyFilterOptions,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  const buffered: Uint8Array[] = Array.from({ length: chain.size }, () => EMPTY);
  const setBody = (bytes: Uint8Array) => {
    if (direction === "request") exchange.requestBody = bytes;
    else exchange.responseBody = bytes;
  };
  const getBody = () => (direction === "request" ? exchange.requestBody : exchange.responseBody) ?? EMPTY;
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    options.onEnd();
  };

  /** Passes `chunk` through every filter; returns what leaves the last one. */
  const run = async (chunk: Uint8Array, endOfStream: boolean): Promise<Uint8Array> => {
    let data = chunk;
    for (let i = 0; i < chain.size; i++) {
      const body = concat(buffered[i], data);
      if (body.length > options.bufferLimit) {
        throw new BodyStopped({ kind: "too_large", filter: `#${i + 1}`, limit: options.bufferLimit });
      }
      exchange.phase = direction === "request" ? "request_body" : "response_body";
      setBody(body);
      const result = await chain.body(i, direction, body.length, endOfStream);
      if (typeof result !== "number") throw new BodyStopped(result);
      if (result === Action.Pause) {
        buffered[i] = getBody();
        return EMPTY;
      }
      buffered[i] = EMPTY;
      data = getBody();
    }
    return data;
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            const out = await run(done ? EMPTY : value, done);
            if (out.length > 0) controller.enqueue(out);
            if (done) {
              controller.close();
              end();
              return;
            }
            if (out.length > 0) return;
          }
        } catch (error) {
          reader.cancel(error).catch(() => {});
          if (error instanceof BodyStopped) options.onStop?.(error);
          end();
          // A request body's reader (fetch) was aborted by onStop; erroring it too would only
          // surface as an unhandled rejection. A response body must error: the client has to
          // see that its body is cut short.
          if (direction === "request" && error instanceof BodyStopped) controller.close();
          else controller.error(error);
        }
      },
      cancel(reason) {
        reader.cancel(reason).catch(() => {});
        end();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Reads a filtered body until it produced its first bytes or ended, then checks whether it has
 * already ended too (without waiting for more of it), so the response's headers can say the right
 * thing: an exact `content-length` when the whole body is known, else chunked.
 */
export async function prefetch(body: ReadableStream<Uint8Array>): Promise<{ complete: Uint8Array | null; rest: ReadableStream<Uint8Array> }> {
  const reader = body.getReader();
  const first = await reader.read();
  if (first.done) return { complete: EMPTY, rest: body };
  const next = reader.read();
  const ready = await Promise.race([next, new Promise<null>((resolve) => setTimeout(() => resolve(null), 0))]);
  if (ready?.done) return { complete: first.value, rest: body };
  const queue: Promise<ReadableStreamReadResult<Uint8Array>>[] = [Promise.resolve(first), next];
  const rest = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const result = await (queue.shift() ?? reader.read());
        if (result.done) controller.close();
        else controller.enqueue(result.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return { complete: null, rest };
}
