/**
 * Reading what a child reports on stdout as JSON lines.
 * @module
 */
import type { BenchChild } from "./processes.ts";

/** The first stdout line of `child` that parses as JSON; fails if it exits or times out first. */
export function firstJsonLine<T>(child: BenchChild, timeoutMs: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`no report from pid ${child.pid} within ${timeoutMs} ms`)), timeoutMs);
    child.process.stdout?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        try {
          const value = JSON.parse(line) as T;
          clearTimeout(timer);
          resolve(value);
          return;
        } catch {
          // not a report line
        }
      }
    });
    child.exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`pid ${child.pid} exited with status ${status} before reporting`));
    });
  });
}
