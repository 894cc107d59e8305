/**
 * How a microbenchmark process reports to bench/run.ts: one JSON line per result on stdout
 * (mitata's own table goes to stdout too, for people).
 * @module
 */
import type { run } from "mitata";

export interface MicroResult {
  group: string;
  name: string;
  value: number;
  unit: string;
}

export function report(result: MicroResult): void {
  process.stdout.write(JSON.stringify({ micro: result }) + "\n");
}

/** Reports the average (µs) and p99 of every benchmark mitata ran. */
export function reportMitata(group: string, results: Awaited<ReturnType<typeof run>>): void {
  for (const trial of results.benchmarks) {
    for (const run of trial.runs) {
      if (!run.stats) continue;
      report({ group, name: `${run.name} (avg)`, value: run.stats.avg / 1000, unit: "µs" });
      report({ group, name: `${run.name} (p99)`, value: run.stats.p99 / 1000, unit: "µs" });
    }
  }
}
