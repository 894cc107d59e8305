/**
 * Adds up the filter metrics of several isolates: counters, gauges and histogram bins are
 * summed by metric (a gauge is the sum of every live isolate's value).
 * @module
 */
import type { HistogramBin, MetricSnapshot } from "../../abi/metrics.ts";

function binKey(bin: HistogramBin): string {
  return bin.le === null ? "+Inf" : bin.le.toString();
}

function addBins(a: readonly HistogramBin[], b: readonly HistogramBin[]): HistogramBin[] {
  const sums = new Map<string, HistogramBin>();
  for (const bin of [...a, ...b]) {
    const known = sums.get(binKey(bin));
    sums.set(binKey(bin), { le: bin.le, count: (known?.count ?? 0n) + bin.count });
  }
  return [...sums.values()].sort((x, y) => (x.le === null ? 1 : y.le === null ? -1 : x.le < y.le ? -1 : x.le > y.le ? 1 : 0));
}

function add(a: MetricSnapshot, b: MetricSnapshot): MetricSnapshot {
  if (a.type === "histogram" && b.type === "histogram") return { ...a, bins: addBins(a.bins, b.bins), count: a.count + b.count, sum: a.sum + b.sum };
  if (a.type !== "histogram" && b.type !== "histogram") return { ...a, value: a.value + b.value };
  // One name, one type inside an isolate; across isolates (two filter versions) the first type wins.
  return a;
}

/** One snapshot of every metric in `snapshots`, in the order the names first appear. */
export function mergeMetricSnapshots(snapshots: readonly (readonly MetricSnapshot[])[]): MetricSnapshot[] {
  const merged = new Map<string, MetricSnapshot>();
  for (const snapshot of snapshots) {
    for (const metric of snapshot) {
      const known = merged.get(metric.fullName);
      merged.set(metric.fullName, known === undefined ? metric : add(known, metric));
    }
  }
  return [...merged.values()];
}

/** What of an isolate's metrics outlives the isolate: counters and histograms, never gauges. */
export function retainedAfterIsolate(snapshot: readonly MetricSnapshot[]): MetricSnapshot[] {
  return snapshot.filter((metric) => metric.type !== "gauge");
}
