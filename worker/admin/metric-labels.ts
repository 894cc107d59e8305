/**
 * Kong 3.9's `metrics.label_patterns` of `<filter>.meta.json`: labels pulled out of a metric's
 * name. Each pattern is matched against `pw.<filter>.<metric>`; its second capture group (its
 * first, when it has only one) is the label's value, and the metric's name ends where the
 * earliest matching pattern starts. Kong writes the patterns as Lua patterns; here they are
 * JavaScript regular expressions.
 * @module
 */
import type { FilterMetricSample } from "./metrics.ts";

export interface LabelPattern {
  label: string;
  pattern: string;
}

/** The label patterns of a filter's meta.json, ignoring malformed entries. */
export function labelPatternsOf(meta: unknown): LabelPattern[] {
  const patterns = (meta as { metrics?: { label_patterns?: unknown } } | undefined)?.metrics?.label_patterns;
  if (!Array.isArray(patterns)) return [];
  return patterns.filter((p): p is LabelPattern => typeof p?.label === "string" && typeof p?.pattern === "string");
}

/** `sample` with its labels taken out of its name. */
export function applyLabelPatterns(sample: FilterMetricSample, patterns: readonly LabelPattern[]): FilterMetricSample {
  if (patterns.length === 0) return sample;
  const prefix = `pw.${sample.filter}.`;
  const key = prefix + sample.name;
  const labels: Record<string, string> = { ...sample.labels };
  let end = key.length;
  for (const { label, pattern } of patterns) {
    let match: RegExpExecArray | null;
    try {
      match = new RegExp(pattern).exec(key);
    } catch {
      continue;
    }
    const value = match?.[2] ?? match?.[1];
    if (!match || value === undefined) continue;
    labels[label] = value;
    end = Math.min(end, match.index);
  }
  if (end <= prefix.length) return { ...sample, labels };
  return { ...sample, name: key.slice(prefix.length, end), labels };
}
