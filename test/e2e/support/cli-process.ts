/**
 * Running the real `proxy-wasm-workers` bin as a child process, the way a user does.
 * @module
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
/** The CLI as package.json's `bin` names it. */
export const CLI_BIN = fileURLToPath(new URL("../../../bin/proxy-wasm-workers.mjs", import.meta.url));

/** What a finished CLI run printed. */
export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion in `cwd`, killed after `timeoutMs`. */
export function runCli(args: readonly string[], cwd: string, timeoutMs = 60_000): CliRun {
  const result = spawnSync(process.execPath, [CLI_BIN, ...args], { cwd, encoding: "utf8", timeout: timeoutMs });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A CLI process left running (serve, dev). */
export interface BackgroundCli {
  child: ChildProcess;
  /** Everything it printed so far, stdout and stderr interleaved. */
  output(): string;
  /** Resolves with the first match of `pattern` in its output; rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** SIGTERM to its whole process group (it and workerd), SIGKILL if it lingers. */
  stop(timeoutMs?: number): Promise<void>;
}

/**
 * Starts the CLI in its own process group, so `stop` reaches workerd too even if the CLI
 * itself were stuck.
 */
export function startCli(args: readonly string[], cwd: string): BackgroundCli {
  return startCommand(process.execPath, [CLI_BIN, ...args], cwd);
}

/** Starts any command (`npm start`, wrangler) the same way, in its own process group. */
export function startCommand(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): BackgroundCli {
  const child = spawn(file, args, { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on("data", append);
  child.stderr?.on("data", append);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  return {
    child,
    output: () => output,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) finish(() => resolve(match));
        };
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no ${pattern} within ${timeoutMs} ms; output:\n${output}`))),
          timeoutMs,
        );
        listeners.add(check);
        exited.then(() => finish(() => reject(new Error(`the CLI exited (${child.exitCode}) before ${pattern}; output:\n${output}`))));
        check();
      });
    },
    async stop(timeoutMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
      signalGroup(child.pid, "SIGTERM");
      const stopped = await Promise.race([exited.then(() => true), delay(timeoutMs).then(() => false)]);
      if (!stopped) signalGroup(child.pid, "SIGKILL");
    },
  };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

/** A port nothing listens on right now, for a server that cannot be told to pick one itself. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
