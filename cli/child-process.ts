/**
 * Running the tools the CLI drives (wrangler, workerd) as child processes.
 * @module
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { constants } from "node:os";
import { CliError } from "./cli-error.ts";

/** A long-running child with inherited stdio. */
export interface RunningChild {
  pid: number | undefined;
  /** The child's stdio streams (`null` where inherited). */
  stdio: ChildProcess["stdio"];
  /** Resolves with the exit status (128 + signal number when killed by a signal). */
  exited: Promise<number>;
  /** Sends `signal` (default SIGTERM) unless it already exited. */
  stop(signal?: NodeJS.Signals): void;
}

/** Starts `command` with stdio inherited unless `options.stdio` says otherwise. */
export function startChild(command: string, args: readonly string[], options: SpawnOptions = {}): RunningChild {
  const child = spawn(command, args, { stdio: "inherit", ...options });
  let done = false;
  const exited = new Promise<number>((resolve, reject) => {
    child.once("error", (error) => {
      done = true;
      reject(new CliError(`cannot start ${command}: ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      done = true;
      resolve(code ?? 128 + (signal ? signalNumber(signal) : 0));
    });
  });
  return {
    pid: child.pid,
    stdio: child.stdio,
    exited,
    stop(signal = "SIGTERM") {
      if (!done) child.kill(signal);
    },
  };
}

/**
 * Runs `command` to completion with its output captured, which is shown only when it fails
 * (wrangler's bundling chatter is noise on success).
 * @throws CliError with the captured output on a non-zero exit.
 */
export async function runQuietly(command: string, args: readonly string[], options: SpawnOptions, what: string): Promise<void> {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const status = await new Promise<number>((resolve, reject) => {
    child.once("error", (error) => reject(new CliError(`cannot start ${command}: ${error.message}`)));
    child.once("close", (code, signal) => resolve(code ?? 128 + (signal ? signalNumber(signal) : 0)));
  });
  if (status !== 0) throw new CliError(`${what} failed (exit status ${status}):\n${output.trimEnd()}`);
}

/**
 * Calls `onSignal` on SIGINT and SIGTERM instead of dying, so the caller can stop its children
 * first. Returns a function that removes the handlers.
 */
export function onTerminationSignals(onSignal: (signal: NodeJS.Signals) => void): () => void {
  const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM"];
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}

function signalNumber(signal: NodeJS.Signals): number {
  return constants.signals[signal] ?? 0;
}
