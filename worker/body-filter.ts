/**
 * Routes a body through the `on_*_body` callbacks of a chain. A small body of known length is
 * given to each filter in one call with end_of_stream (as Kong does), read before the calls or,
 * deferred, only when a filter asks for its bytes; any other
 * body streams chunk by chunk through a pull-based stream. A filter that pauses keeps receiving
 * the cumulative body it has buffered until it continues (or, on the last chunk, until it is
 * resumed); nothing is buffered when every filter continues. A buffer over the limit stops it.
 * @module
 */
import type { DeferredBody, HttpExchange } from "../abi/exchange.ts";
import type { MaybePromise } from "../abi/maybe-async.ts";
import { Action } from "../abi/types.ts";
import { chunkReader } from "./body-chunks.ts";
import type { ChainRun, Direction, StopOutcome } from "./chain.ts";

/** Bodies of a known length up to this size are read whole instead of streamed. */
export const WHOLE_BODY_LIMIT = 64 * 1024;

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
  /** Local responses are ignored (the body already belongs to one). */
  ignoreLocalResponses?: boolean;
  /** Called once when the body ended, failed or was cancelled. */
  onEnd(): void;
  /** Called when the body stops; fetch does not pass the error itself on. */
  onStop?(stop: BodyStopped): void;
}

const EMPTY: Uint8Array = new Uint8Array(0);

/** The length a `content-length` header promises, when it is small enough to read whole. */
export function wholeBodyLength(headers: Headers): number | null {
  const value = headers.get("content-length");
  if (value === null) return null;
  const length = Number(value);
  return Number.isInteger(length) && length >= 0 && length <= WHOLE_BODY_LIMIT ? length : null;
}

/** A byte buffer that grows by doubling, so buffering a paused body costs O(n), not O(n²). */
class GrowingBytes {
  #bytes: Uint8Array = EMPTY;
  #length = 0;

  get length(): number {
    return this.#length;
  }

  view(): Uint8Array {
    return this.#bytes.subarray(0, this.#length);
  }

  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    const needed = this.#length + chunk.length;
    if (needed > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.#bytes.length * 2, 1024));
      grown.set(this.view());
      this.#bytes = grown;
    }
    this.#bytes.set(chunk, this.#length);
    this.#length = needed;
  }

  /** Replaces the contents with what a filter wrote. */
  reset(bytes: Uint8Array): void {
    this.#bytes = bytes;
    this.#length = bytes.length;
  }

  clear(): void {
    this.#bytes = EMPTY;
    this.#length = 0;
  }
}

function bodyAccess(exchange: HttpExchange, direction: Direction) {
  return {
    /** Puts the body a callback sees in place (null: a deferred body, read when asked for). */
    set(bytes: Uint8Array | null, ended: boolean) {
      exchange.phase = direction === "request" ? "request_body" : "response_body";
      exchange.bodyEnded = ended;
      if (direction === "request") exchange.requestBody = bytes;
      else exchange.responseBody = bytes;
    },
    get: () => (direction === "request" ? exchange.requestBody : exchange.responseBody) ?? EMPTY,
  };
}

/**
 * Gives a whole body to each filter in one call with end_of_stream (a pause waits for a resume).
 * Returns the body as the last filter left it.
 * @throws BodyStopped when a filter failed, answered locally or timed out.
 */
export async function filterWholeBody(
  chain: ChainRun,
  exchange: HttpExchange,
  direction: Direction,
  body: Uint8Array,
  bufferLimit: number,
  ignoreLocalResponses = false,
): Promise<Uint8Array> {
  // Read whole, the body is buffered for every filter: the buffer limit applies to all of it.
  if (body.length > bufferLimit) throw new BodyStopped({ kind: "too_large", filter: "#1", limit: bufferLimit });
  const access = bodyAccess(exchange, direction);
  let data = body;
  for (let i = 0; i < chain.size; i++) {
    access.set(data, true);
    const result = await chain.body(i, direction, data.length, true);
    // A local response replaces a response once; while that replacement is sent, another is ignored.
    if (typeof result !== "number" && !(ignoreLocalResponses && result.kind === "local_response")) throw new BodyStopped(result);
    data = access.get();
  }
  dropTrailers(exchange, direction);
  return data;
}

/** A body of known `size` whose bytes are read at most once, when first asked for. */
export function onDemandBody(size: number, read: () => Promise<ArrayBuffer>): DeferredBody {
  let bytes: Promise<Uint8Array> | null = null;
  return { size, read: () => (bytes ??= read().then((buffer) => new Uint8Array(buffer))) };
}

/**
 * Like {@link filterWholeBody}, without reading the body first: each filter's callback is told
 * its size, and its bytes are read when a filter asks for them (its body host calls suspend
 * meanwhile). Returns the body as the last filter left it, or null when no filter read it: it
 * goes on as the runtime's stream. Synchronous while every callback returns at once (none read
 * the body or paused), as most do.
 * @throws BodyStopped as filterWholeBody; the read's own error when reading the body failed.
 */
export function filterDeferredBody(
  chain: ChainRun,
  exchange: HttpExchange,
  direction: Direction,
  body: DeferredBody,
  bufferLimit: number,
  ignoreLocalResponses = false,
): MaybePromise<Uint8Array | null> {
  if (body.size > bufferLimit) throw new BodyStopped({ kind: "too_large", filter: "#1", limit: bufferLimit });
  return new DeferredBodyRun(chain, exchange, direction, body, ignoreLocalResponses).run();
}

/** One deferred body through the chain's body callbacks (filterDeferredBody). */
class DeferredBodyRun {
  readonly #access: ReturnType<typeof bodyAccess>;

  constructor(
    readonly chain: ChainRun,
    readonly exchange: HttpExchange,
    readonly direction: Direction,
    readonly body: DeferredBody,
    readonly ignoreLocalResponses: boolean,
  ) {
    this.#access = bodyAccess(exchange, direction);
  }

  run(): MaybePromise<Uint8Array | null> {
    setDeferred(this.exchange, this.direction, this.body);
    try {
      for (let i = 0; i < this.chain.size; i++) {
        const result = this.#callback(i);
        if (result instanceof Promise) return this.#finishLater(result, i);
        this.#check(result);
      }
    } catch (error) {
      setDeferred(this.exchange, this.direction, null);
      throw error;
    }
    return this.#done();
  }

  /** The rest of the run once a callback suspended or a filter paused. */
  async #finishLater(pending: Promise<Action | StopOutcome>, index: number): Promise<Uint8Array | null> {
    try {
      this.#check(await pending);
      for (let i = index + 1; i < this.chain.size; i++) this.#check(await this.#callback(i));
    } catch (error) {
      setDeferred(this.exchange, this.direction, null);
      throw error;
    }
    return this.#done();
  }

  #callback(index: number): MaybePromise<Action | StopOutcome> {
    const read = this.exchange.deferredBody(this.direction) === null;
    this.#access.set(read ? this.#access.get() : null, true);
    return this.chain.body(index, this.direction, read ? this.#access.get().length : this.body.size, true);
  }

  #check(result: Action | StopOutcome): void {
    if (this.exchange.bodyReadFailure !== null) throw this.exchange.bodyReadFailure;
    if (typeof result !== "number" && !(this.ignoreLocalResponses && result.kind === "local_response")) throw new BodyStopped(result);
  }

  /** Unread, the body leaves as a stream: later host calls find no buffer instead of reading it. */
  #done(): Uint8Array | null {
    const read = this.exchange.deferredBody(this.direction) === null;
    setDeferred(this.exchange, this.direction, null);
    dropTrailers(this.exchange, this.direction);
    return read ? this.#access.get() : null;
  }
}

function setDeferred(exchange: HttpExchange, direction: Direction, body: DeferredBody | null): void {
  if (direction === "request") exchange.deferredRequestBody = body;
  else exchange.deferredResponseBody = body;
}

/**
 * Trailers filters added at the end of a body are accepted (Envoy accepts them) but a worker
 * can send none, neither on a `fetch` nor on a `Response`: they are dropped with a debug log.
 */
function dropTrailers(exchange: HttpExchange, direction: Direction): void {
  const trailers = direction === "request" ? exchange.requestTrailers : exchange.responseTrailers;
  if (trailers === null || trailers.count === 0) return;
  console.debug(`[proxy-wasm] [debug] ${trailers.count} ${direction} trailer(s) added by filters dropped: Workers cannot send trailers`);
}

/** A body stream whose chunks have passed the chain's body callbacks. */
export function filteredBody(
  source: ReadableStream<Uint8Array>,
  chain: ChainRun,
  exchange: HttpExchange,
  direction: Direction,
  options: BodyFilterOptions,
): ReadableStream<Uint8Array> {
  const reader = chunkReader(source);
  const buffered = Array.from({ length: chain.size }, () => new GrowingBytes());
  const access = bodyAccess(exchange, direction);
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
      const buffer = buffered[i];
      let body = data;
      if (buffer.length > 0) {
        buffer.append(data);
        body = buffer.view();
      }
      if (body.length > options.bufferLimit) {
        throw new BodyStopped({ kind: "too_large", filter: `#${i + 1}`, limit: options.bufferLimit });
      }
      access.set(body, endOfStream);
      const outcome = await chain.body(i, direction, body.length, endOfStream);
      if (typeof outcome !== "number" && !(options.ignoreLocalResponses && outcome.kind === "local_response")) throw new BodyStopped(outcome);
      const result = typeof outcome === "number" ? outcome : Action.Continue;
      const after = access.get();
      if (result === Action.Pause) {
        if (buffer.length === 0) buffer.append(after);
        else if (after !== body) buffer.reset(after);
        return EMPTY;
      }
      buffer.clear();
      data = after;
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
              dropTrailers(exchange, direction);
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
