/**
 * Filter metrics across isolates: each isolate reports its cumulative snapshot to one Durable
 * Object at most every `intervalMs` (piggybacked on requests, never one write per request), and
 * the admin API's `/metrics` shows their sum. Other isolates' figures are as old as their last
 * report.
 * @module
 */
import type { MetricSnapshot } from "../../abi/metrics.ts";
import type { StateNamespace } from "./state-service.ts";

/** The object that collects metrics (not a shard of any VM's state). */
const METRICS_OBJECT = "metrics";
export const METRICS_REPORT_INTERVAL_MS = 10_000;

export class GlobalMetricsReporter {
  #isolate: string | null = null;
  #reportedAt = 0;

  constructor(
    readonly snapshot: () => MetricSnapshot[],
    readonly intervalMs = METRICS_REPORT_INTERVAL_MS,
  ) {}

  /** Whether this isolate's last report is older than the interval (and it has metrics to send). */
  due(now = Date.now()): boolean {
    if (now - this.#reportedAt < this.intervalMs) return false;
    if (this.snapshot().length > 0) return true;
    // Nothing to send: look again after the interval, not on every request.
    this.#reportedAt = now;
    return false;
  }

  /** Sends this isolate's snapshot; a failure only delays it to the next request. */
  async report(namespace: StateNamespace): Promise<void> {
    this.#reportedAt = Date.now();
    // Random values are refused at a worker's global scope, so the id is made on first use.
    this.#isolate ??= crypto.randomUUID();
    try {
      await this.#object(namespace).reportMetrics(this.#isolate, this.snapshot());
    } catch {
      this.#reportedAt = 0;
    }
  }

  /** The sum over every isolate, this one's figures fresh. */
  async globalView(namespace: StateNamespace): Promise<MetricSnapshot[]> {
    await this.report(namespace);
    return this.#object(namespace).globalMetrics();
  }

  #object(namespace: StateNamespace) {
    return namespace.get(namespace.idFromName(METRICS_OBJECT));
  }
}
