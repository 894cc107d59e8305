/**
 * Metrics of proxy-wasm-abi.md §1.10: counters, gauges and histograms a filter defines by name.
 * Names live per filter (shown as Kong's `pw:<filter>:<name>`), so two filters never clash and a
 * VM rebuilt after a trap finds its metrics again with the same ids. The host calls see only the
 * `MetricsRegistry` interface; `snapshot()` is what a Prometheus `/metrics` endpoint would read.
 * @module
 */
import { MetricType, Status } from "./types.ts";
import type { Vm } from "./vm.ts";

/** One histogram bin: samples `v` with previous bound < v ≤ `le`; `le` null is +Inf. Not cumulative. */
export interface HistogramBin {
  le: bigint | null;
  count: bigint;
}

/** A metric as an exporter sees it. */
export type MetricSnapshot =
  | { filter: string; name: string; fullName: string; type: "counter" | "gauge"; value: bigint }
  | { filter: string; name: string; fullName: string; type: "histogram"; bins: HistogramBin[]; count: bigint; sum: bigint };

/** Where metrics live. Every method is synchronous: host calls cannot wait. */
export interface MetricsRegistry {
  /**
   * Defines `name` for `filter` (or finds it again) and answers its id. BadArgument for an
   * unknown type, or when the name already belongs to a metric of another type.
   */
  define(filter: string, type: number, name: string): { status: Status; id: number };
  /** Adds a signed delta. NotFound for an unknown id, BadArgument for a histogram. */
  increment(id: number, delta: bigint): Status;
  /** Records an unsigned value: sets a gauge, adds to a counter, bins a histogram sample. */
  record(id: number, value: bigint): Status;
  /** The value as u64 bits. NotFound for an unknown id, BadArgument for a histogram. */
  get(id: number): { status: Status; value: bigint };
  /** Every metric with its filter, names, type and value or bins, in definition order. */
  snapshot(): MetricSnapshot[];
}

/** The largest finite bin bound is 2^32, as in Kong; larger samples go to +Inf. */
const MAX_BIN_EXPONENT = 32;

interface Metric {
  filter: string;
  name: string;
  type: MetricType;
  /** Counter (u64) or gauge (i64, so a Go filter's negative gauge reads back as it wrote it). */
  value: bigint;
  /** Histogram samples per bin exponent k (bound 2^k); MAX_BIN_EXPONENT + 1 is +Inf. */
  bins: Map<number, bigint>;
  count: bigint;
  sum: bigint;
}

const TYPE_NAMES = { [MetricType.Counter]: "counter", [MetricType.Gauge]: "gauge" } as const;

/** The exponent of the smallest power of two ≥ `value` (log2 binning like Kong; 0 and 1 → 2^0). */
export function binExponent(value: bigint): number {
  if (value <= 1n) return 0;
  // The bit length of value - 1; clz32 covers what callbacks record (fuel, sizes) without a string.
  const exponent = value <= 0x1_0000_0000n ? 32 - Math.clz32(Number(value - 1n)) : (value - 1n).toString(2).length;
  return exponent > MAX_BIN_EXPONENT ? MAX_BIN_EXPONENT + 1 : exponent;
}

/**
 * A histogram's bins as Prometheus buckets: cumulative counts by upper bound, with `+Inf` always
 * last (its count is the total), ready for a `/metrics` endpoint.
 */
export function prometheusBuckets(bins: readonly HistogramBin[]): [string, bigint][] {
  const buckets: [string, bigint][] = [];
  let total = 0n;
  for (const bin of bins) {
    total += bin.count;
    if (bin.le !== null) buckets.push([bin.le.toString(), total]);
  }
  buckets.push(["+Inf", total]);
  return buckets;
}

/** The isolate-local registry. Ids start at 1 and are never reused. */
export class LocalMetricsRegistry implements MetricsRegistry {
  readonly #byId = new Map<number, Metric>();
  readonly #byName = new Map<string, number>();

  define(filter: string, type: number, name: string): { status: Status; id: number } {
    if (type !== MetricType.Counter && type !== MetricType.Gauge && type !== MetricType.Histogram) {
      return { status: Status.BadArgument, id: 0 };
    }
    const key = `${filter}\u0000${name}`;
    const existing = this.#byName.get(key);
    if (existing !== undefined) {
      // One name, one type: an exporter could not publish the same name twice.
      return this.#byId.get(existing)!.type === type ? { status: Status.Ok, id: existing } : { status: Status.BadArgument, id: 0 };
    }
    const id = this.#byId.size + 1;
    this.#byId.set(id, { filter, name, type, value: 0n, bins: new Map(), count: 0n, sum: 0n });
    this.#byName.set(key, id);
    return { status: Status.Ok, id };
  }

  increment(id: number, delta: bigint): Status {
    const metric = this.#byId.get(id);
    if (metric === undefined) return Status.NotFound;
    switch (metric.type) {
      case MetricType.Counter:
        // Envoy answers BadArgument for delta ≤ 0, but Go SDK filters panic on any metric error:
        // a counter that cannot go down simply ignores it.
        if (delta > 0n) metric.value = BigInt.asUintN(64, metric.value + delta);
        return Status.Ok;
      case MetricType.Gauge:
        metric.value = BigInt.asIntN(64, metric.value + delta);
        return Status.Ok;
      default:
        return Status.BadArgument;
    }
  }

  record(id: number, value: bigint): Status {
    const metric = this.#byId.get(id);
    if (metric === undefined) return Status.NotFound;
    const sample = BigInt.asUintN(64, value);
    switch (metric.type) {
      case MetricType.Counter:
        metric.value = BigInt.asUintN(64, metric.value + sample);
        break;
      case MetricType.Gauge:
        metric.value = BigInt.asIntN(64, sample);
        break;
      default: {
        const exponent = binExponent(sample);
        metric.bins.set(exponent, (metric.bins.get(exponent) ?? 0n) + 1n);
        metric.count += 1n;
        metric.sum = BigInt.asUintN(64, metric.sum + sample);
      }
    }
    return Status.Ok;
  }

  get(id: number): { status: Status; value: bigint } {
    const metric = this.#byId.get(id);
    if (metric === undefined) return { status: Status.NotFound, value: 0n };
    if (metric.type === MetricType.Histogram) return { status: Status.BadArgument, value: 0n };
    return { status: Status.Ok, value: BigInt.asUintN(64, metric.value) };
  }

  snapshot(): MetricSnapshot[] {
    return [...this.#byId.values()].map((metric) => {
      const names = { filter: metric.filter, name: metric.name, fullName: `pw:${metric.filter}:${metric.name}` };
      if (metric.type !== MetricType.Histogram) return { ...names, type: TYPE_NAMES[metric.type], value: metric.value };
      const bins = [...metric.bins.entries()]
        .sort(([a], [b]) => a - b)
        .map(([exponent, count]) => ({ le: exponent > MAX_BIN_EXPONENT ? null : 1n << BigInt(exponent), count }));
      return { ...names, type: "histogram", bins, count: metric.count, sum: metric.sum };
    });
  }
}

let isolateMetrics: LocalMetricsRegistry | null = null;

/** The registry `vm` uses: the host's, else the isolate-local one (created on first use). */
export function metricsOf(vm: Vm): MetricsRegistry {
  return vm.host.services?.metrics ?? isolateMetricsRegistry();
}

/**
 * The isolate-local registry, for an exporter when the host provides none (the gateway's
 * `/metrics` endpoint would read `snapshot()` of whichever registry its VMs use).
 */
export function isolateMetricsRegistry(): MetricsRegistry {
  isolateMetrics ??= new LocalMetricsRegistry();
  return isolateMetrics;
}
