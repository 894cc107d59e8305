/**
 * The body-reading load of the soak (`bench/soak.ts --chain=body-reading`): a chain that mixes
 * filters which read and rewrite the response body with filters which do not, and requests whose
 * every response body is checked, so a body cut short, rewritten twice, or another request's
 * counts as a failure, not only a wrong status.
 *
 * The chain (response phases run in the same order):
 *   go-sdk-add-header     body callbacks that continue without reading
 *   deferred-body-guard   reads the whole body at its end and prepends "SEEN:"; traps when two
 *                         callbacks of its VM overlap (test/fixtures/guests/deferred-body-guard.wat)
 *   rust-sdk-add-header   continues without reading
 *   bench-body-rewrite    pauses until the end of the body, reads all of it, prepends "RESP:"
 *   greeting              continues without reading (AssemblyScript SDK)
 * Every one of them imports the body buffer host calls, so each body callback of each VM runs
 * through the buffer switch and the VM's lock.
 *
 * Each request asks the upstream for `/tagged/N/TAG` (bench/tagged-body.ts) with a TAG of its own,
 * cycling through SHAPES. What the client must get:
 *   content-length ≤ 64 KiB (a deferred body, read when the guard asks):
 *     "RESP:SEEN:" + body, with that exact content-length;
 *   anything else (streamed, chunked out): the guard's "SEEN:" lands on the last, empty call,
 *     after the bytes it let through: "RESP:" + body + "SEEN:", without content-length.
 * @module
 */
import { join } from "node:path";
import type autocannon from "autocannon";
import { ensureBodyRewriteFilter } from "./fixtures/body-rewrite-filter.ts";
import { BENCH_BUILD, REPO_ROOT } from "./fixtures/filters-folder.ts";
import { taggedBody } from "./tagged-body.ts";

export interface SoakFilter {
  name: string;
  /** Absolute path of the `.wasm`. */
  from: string;
  config?: string;
}

/** The filters of the body-reading chain, in chain order. */
export async function bodyReadingChain(): Promise<SoakFilter[]> {
  const built = (path: string) => join(REPO_ROOT, path);
  return [
    { name: "go-sdk-add-header", from: built("build/guests/go-sdk-add-header.wasm") },
    { name: "deferred-body-guard", from: built("build/guests/deferred-body-guard.wasm") },
    { name: "rust-sdk-add-header", from: built("build/guests/rust-sdk-add-header.wasm") },
    { name: "bench-body-rewrite", from: await ensureBodyRewriteFilter(join(BENCH_BUILD, "bench-body-rewrite-v1.wasm")) },
    { name: "greeting", from: built("build/filters/greeting.wasm"), config: '{"my_greeting": "soak"}' },
  ];
}

interface Shape {
  size: number;
  chunked: boolean;
}

/**
 * Mostly small bodies of known length (deferred), the whole-body limit itself and one byte over
 * it (streamed although its length is known), and chunked ones of unknown length.
 */
const SHAPES: readonly Shape[] = [
  { size: 1, chunked: false },
  { size: 120, chunked: false },
  { size: 1_500, chunked: false },
  { size: 9_000, chunked: false },
  { size: 40_000, chunked: false },
  { size: 64 * 1024, chunked: false },
  { size: 64 * 1024 + 1, chunked: false },
  { size: 700, chunked: true },
  { size: 20_000, chunked: true },
];

const WHOLE_BODY_LIMIT = 64 * 1024;

interface Expected {
  body: string;
  /** The exact content-length, or null when the response must go out without one. */
  contentLength: number | null;
}

function expectedFor(shape: Shape, tag: string): Expected {
  const body = taggedBody(tag, shape.size);
  if (!shape.chunked && shape.size <= WHOLE_BODY_LIMIT) {
    const whole = `RESP:SEEN:${body}`;
    return { body: whole, contentLength: whole.length };
  }
  return { body: `RESP:${body}SEEN:`, contentLength: null };
}

/** The checks of every response of the body-reading load, counted across windows. */
export class BodyChecks {
  checked = 0;
  wrong = 0;
  /** The first few wrong answers, for the report. */
  readonly examples: string[] = [];
  #next = 0;
  readonly #prefix: string;

  constructor(readonly routePath: string) {
    // Tags differ between runs too, so a stale answer could never pass for a fresh one.
    this.#prefix = Date.now().toString(36);
  }

  /** The `requests` option of autocannon: one request per turn, each with its own tag and check. */
  requests(): autocannon.Request[] {
    return [
      {
        setupRequest: (request, context) => {
          const n = this.#next++;
          const shape = SHAPES[n % SHAPES.length];
          const tag = `${this.#prefix}-${n}`;
          context.expected = expectedFor(shape, tag);
          context.what = `${shape.size} B${shape.chunked ? " chunked" : ""} ${tag}`;
          return { ...request, path: `${this.routePath}/tagged/${shape.size}/${tag}${shape.chunked ? "?chunked" : ""}` };
        },
        onResponse: (status, body, context, headers) => {
          // A wrong status is autocannon's non2xx already; here only the body of a 200 is judged.
          if (status !== 200) return;
          this.checked++;
          const expected = context.expected as Expected;
          // Header names as the server spelled them.
          const length = Object.entries(headers).find(([name]) => name.toLowerCase() === "content-length")?.[1] ?? null;
          const lengthOk = expected.contentLength === null ? length === null : length === String(expected.contentLength);
          if (body === expected.body && lengthOk) return;
          this.wrong++;
          if (this.examples.length < 5) {
            this.examples.push(`${context.what as string}: got ${body.length} chars (content-length ${length}) starting ${JSON.stringify(body.slice(0, 40))}, want ${expected.body.length} starting ${JSON.stringify(expected.body.slice(0, 40))}`);
          }
        },
      },
    ];
  }
}
