/**
 * Every child process the benchmark starts is registered here, so that a normal end, an error
 * or Ctrl-C stops them all (a left-over workerd would skew the next run and hold its port).
 * @module
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

const children = new Set<ChildProcess>();
let installed = false;

/** A child we started, with a promise of its exit status. */
export interface BenchChild {
  process: ChildProcess;
  pid: number;
  exited: Promise<number>;
  /** SIGTERM, then SIGKILL if it is still alive after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Spawns and registers a child; it is unregistered when it exits. */
export function startProcess(command: string, args: readonly string[], options: SpawnOptions = {}): BenchChild {
  installCleanup();
  const child = spawn(command, args, options);
  if (child.pid === undefined) throw new Error(`cannot start ${command}`);
  children.add(child);
  const exited = new Promise<number>((resolve) => {
    child.once("exit", (code, signal) => {
      children.delete(child);
      resolve(code ?? (signal ? 128 : 0));
    });
  });
  return {
    process: child,
    pid: child.pid,
    exited,
    async stop(graceMs = 2000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      // Always SIGTERM: workerd keeps an inherited "ignore SIGINT" disposition (cli/serve.ts).
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Kills every registered child now, synchronously (usable from an `exit` handler). */
export function killAll(): void {
  for (const child of children) child.kill("SIGKILL");
  children.clear();
}

/** On Ctrl-C, SIGTERM, an uncaught error or a plain exit, no child survives us. */
function installCleanup(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAll);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      killAll();
      process.exit(130);
    });
  }
}
