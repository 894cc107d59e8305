/**
 * What Linux says about a process: resident memory and CPU time (/proc/<pid>/…).
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";

/** VmRSS of `pid` in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!kib) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kib[1]) * 1024;
}

/** User + system CPU time of `pid` (all threads) in milliseconds. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the parenthesised command name, which may itself contain spaces.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10; // USER_HZ is 100 on Linux
}

/**
 * CPU time of all threads of `pid` in milliseconds, from the scheduler's nanosecond counters
 * (`/proc/<pid>/task/<tid>/schedstat`): fine enough for a few hundred requests, where the
 * 10 ms ticks of {@link cpuMs} are not.
 */
export function cpuMsPrecise(pid: number): number {
  let nanos = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      nanos += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // The thread ended between listing and reading.
    }
  }
  return nanos / 1e6;
}

/** Samples VmRSS of `pid` every `intervalMs` until stopped; returns the peak. */
export function sampleRss(pid: number, intervalMs: number): { stop(): { peak: number; samples: number } } {
  let peak = rssBytes(pid);
  let samples = 1;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssBytes(pid));
      samples++;
    } catch {
      // the process is gone; the caller notices
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { peak, samples };
    },
  };
}
