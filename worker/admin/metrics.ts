/**
 * Gateway counters of one isolate and their Prometheus text, plus the seam for filter metrics
 * (`proxy_define_metric` & co. live in the ABI layer's registry).
 * @module
 */

/** Status classes counted, as Prometheus label values. */
const CLASSES = ["1xx", "2xx", "3xx", "4xx", "5xx"] as const;
type StatusClass = (typeof CLASSES)[number];

/** Counters kept by the gateway of one isolate (Workers isolates share nothing). */
export class GatewayMetrics {
  readonly #byClass = new Map<StatusClass, number>(CLASSES.map((c) => [c, 0]));
  #configReloads = 0;
  #configRejections = 0;

  /** Counts one proxied response. */
  countResponse(status: number): void {
    const cls = CLASSES[Math.floor(status / 100) - 1];
    if (cls) this.#byClass.set(cls, (this.#byClass.get(cls) ?? 0) + 1);
  }

  /** Counts a config swap (from POST /config or from the store). */
  countReload(): void {
    this.#configReloads++;
  }

  /** Counts a stored config this isolate refused to run. */
  countRejection(): void {
    this.#configRejections++;
  }

  get totalRequests(): number {
    let total = 0;
    for (const n of this.#byClass.values()) total += n;
    return total;
  }

  /** The counters as Prometheus samples. */
  samples(): MetricFamily[] {
    return [
      {
        name: "pw_http_requests_total",
        help: "Proxied requests answered by this isolate, by status class",
        type: "counter",
        samples: CLASSES.map((cls) => ({ labels: { status_class: cls }, value: this.#byClass.get(cls) ?? 0 })),
      },
      { name: "pw_config_reloads_total", help: "Config versions this isolate switched to", type: "counter", samples: [{ labels: {}, value: this.#configReloads }] },
      {
        name: "pw_config_rejections_total",
        help: "Stored config versions this isolate refused to run",
        type: "counter",
        samples: [{ labels: {}, value: this.#configRejections }],
      },
    ];
  }
}

/** One metric with its samples, ready to print. */
export interface MetricFamily {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  samples: { labels: Record<string, string>; value: number | bigint; suffix?: string }[];
}

/**
 * A metric a filter defined (`proxy_define_metric`), as the ABI layer's registry should report
 * it. This is the seam for `abi/metrics.ts`: adapt its `snapshot()` to this shape and pass it as
 * `filterMetrics` to the admin API; each becomes `pw_<filter>_<metric>` like Kong's Prometheus plugin.
 */
export interface FilterMetricSample {
  filter: string;
  name: string;
  type: "counter" | "gauge" | "histogram";
  value: number | bigint;
  /** Histogram: sum of the samples. */
  sum?: number | bigint;
  /** Histogram buckets: upper bound (`+Inf` last) → cumulative count. */
  buckets?: readonly (readonly [string, number | bigint])[];
  labels?: Record<string, string>;
}

/** Prometheus metric names allow `[a-zA-Z_:][a-zA-Z0-9_:]*`. */
function metricName(...parts: string[]): string {
  return parts.join("_").replace(/[^a-zA-Z0-9_:]/g, "_").replace(/^([^a-zA-Z_:])/, "_$1");
}

/** Filter samples as metric families named `pw_<filter>_<metric>`. */
export function filterFamilies(samples: readonly FilterMetricSample[]): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  for (const sample of samples) {
    const name = metricName("pw", sample.filter, sample.name);
    let family = families.get(name);
    if (!family) {
      family = { name, help: `Filter ${sample.filter} metric ${sample.name}`, type: sample.type, samples: [] };
      families.set(name, family);
    }
    const labels = sample.labels ?? {};
    if (sample.type === "histogram" && sample.buckets) {
      for (const [le, count] of sample.buckets) family.samples.push({ labels: { ...labels, le }, value: count, suffix: "_bucket" });
      if (sample.sum !== undefined) family.samples.push({ labels, value: sample.sum, suffix: "_sum" });
      family.samples.push({ labels, value: sample.value, suffix: "_count" });
    } else {
      family.samples.push({ labels, value: sample.value });
    }
  }
  return [...families.values()];
}

const escapeLabel = (value: string) => value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

/** Renders families in the Prometheus text exposition format (version 0.0.4). */
export function renderPrometheus(families: readonly MetricFamily[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) {
      const labels = Object.entries(sample.labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
      const suffix = sample.suffix ?? "";
      lines.push(`${family.name}${suffix}${labels.length > 0 ? `{${labels.join(",")}}` : ""} ${sample.value}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
