/**
 * Per-filter time and outcome of one request, for the access log and the `Server-Timing` header.
 * A request gets these records only when one of the two is on; otherwise the chain reads no
 * clock at all.
 *
 * The clock is `performance.now()`. workerd advances it while JS runs, so locally (`serve`,
 * `wrangler dev`) the time is real; on Cloudflare the clock moves only when the worker does I/O
 * (a timing side-channel defence), so there a filter's time shows its pauses and the I/O it waited
 * for (callouts, global state) and its pure compute reads as 0.
 * @module
 */
import type { MaybePromise } from "../abi/maybe-async.ts";

/**
 * How a filter took part in the request, the most telling word winning: it never ran (the
 * request ended before reaching it), ran and let the request continue, paused it before letting
 * it continue, answered it, or stopped it.
 */
export type FilterOutcome = "not_run" | "continue" | "paused" | "local_response" | "failed" | "failed_open" | "timed_out" | "closed";

/** An outcome that ends a filter's say in the request; later callbacks do not change it. */
export type FinalOutcome = Exclude<FilterOutcome, "not_run" | "continue" | "paused">;

export class FilterTiming {
  /** Milliseconds in this filter's callbacks and in the pauses it held the request in. */
  ms = 0;
  outcome: FilterOutcome = "not_run";

  constructor(readonly name: string) {}

  /** Runs guest code of this filter, adding the time until its result is known. */
  measure<T>(run: () => MaybePromise<T>): MaybePromise<T> {
    const start = performance.now();
    const result = run();
    if (result instanceof Promise) return result.finally(() => this.add(start));
    this.add(start);
    return result;
  }

  /** Adds the time since `start` (a `performance.now()`). */
  add(start: number): void {
    this.ms += performance.now() - start;
  }

  /** A callback let the request continue. */
  continued(): void {
    if (this.outcome === "not_run") this.outcome = "continue";
  }

  /** A callback paused the request. */
  paused(): void {
    if (this.outcome === "not_run" || this.outcome === "continue") this.outcome = "paused";
  }

  /** The filter answered or stopped the request; the first such outcome stays. */
  ended(outcome: FinalOutcome): void {
    if (this.outcome === "not_run" || this.outcome === "continue" || this.outcome === "paused") this.outcome = outcome;
  }

  toJSON(): { name: string; ms: number; outcome: FilterOutcome } {
    return { name: this.name, ms: roundMs(this.ms), outcome: this.outcome };
  }
}

/** Milliseconds to the microsecond. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
