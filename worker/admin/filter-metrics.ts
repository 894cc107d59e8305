/**
 * Filter metrics (`proxy_define_metric`) from the ABI layer's registry, as the admin API's
 * `/metrics` renders them.
 * @module
 */
import type { MetricSnapshot } from "../../abi/metrics.ts";
import type { FilterMetricSample } from "./metrics.ts";

/** Converts registry snapshots; histogram bins become Prometheus' cumulative buckets ending at `+Inf`. */
export function filterMetricSamples(snapshots: readonly MetricSnapshot[]): FilterMetricSample[] {
  return snapshots.map((metric) => {
    if (metric.type !== "histogram") return { filter: metric.filter, name: metric.name, type: metric.type, value: metric.value };
    let running = 0n;
    const buckets: [string, bigint][] = metric.bins
      .filter((bin) => bin.le !== null)
      .map((bin) => [String(bin.le), (running += bin.count)]);
    buckets.push(["+Inf", metric.count]);
    return { filter: metric.filter, name: metric.name, type: "histogram", value: metric.count, sum: metric.sum, buckets };
  });
}
