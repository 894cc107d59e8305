/**
 * `proxy-wasm-workers serve`: build, bundle with wrangler, run on plain `workerd serve`
 * (8–16× the throughput of `wrangler dev`, see docs/workers-platform.md), started from the
 * binary config (workerd's capnp text compiler is slow on an embedded bundle).
 * @module
 */
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { build, COMPATIBILITY_DATE } from "./build.ts";
import { bundleWithWrangler } from "./bundle.ts";
import { onTerminationSignals, startChild, type RunningChild } from "./child-process.ts";
import { CliError } from "./cli-error.ts";
import { startEchoUpstream, type EchoUpstream } from "./echo-upstream.ts";
import type { RunOptions } from "./options.ts";
import { workerdBinary } from "./package-paths.ts";
import { TICK_PATH } from "../worker/state/binding.ts";
import { listenAddress, preserveHostUpstreams, socketName } from "./workerd-config.ts";
import { loadConfigEncoder, writeWorkerdConfig } from "./workerd-config-files.ts";
import { workerSettings } from "./worker-settings.ts";

/** How long workerd may take to open its socket before we give up. */
const LISTEN_TIMEOUT_MS = 30_000;
/** The fd on which workerd reports `{"event":"listen","port":N}` (`--control-fd`). */
const CONTROL_FD = 3;

/** A gateway running on workerd. */
export interface RunningServer {
  /** Base URL, with the real port when `--port 0` was asked for. */
  url: string;
  /** Base URL of each isolate (`--isolates N`); the first is `url`. */
  urls: string[];
  /** Resolves with workerd's exit status. */
  exited: Promise<number>;
  /** Stops workerd (SIGTERM unless told otherwise). */
  stop(signal?: NodeJS.Signals): void;
}

/** Builds, bundles and starts workerd; resolves once it accepts connections. */
export async function startServer(options: RunOptions): Promise<RunningServer> {
  const { outDir, config } = await build(options);
  // Loads while wrangler bundles in its own process; a failure shows where the config is written.
  loadConfigEncoder().catch(() => undefined);
  const modules = await bundleWithWrangler(outDir);
  const isolates = options.isolates ?? 1;
  // Isolates take consecutive ports, or with port 0 free ones picked here: each isolate is told
  // its port (X-Forwarded-Port), so it must be known before workerd starts.
  const ports = options.port === 0 ? await freePorts(options.ip, isolates) : Array.from({ length: isolates }, (_, index) => options.port + index);
  if (options.port !== 0) for (const port of ports) await ensurePortFree(options.ip, port);
  const addresses = ports.map((port) => listenAddress(options.ip, port));
  const stateDir = join(outDir, "state");
  await mkdir(stateDir, { recursive: true });
  const upstreams = preserveHostUpstreams(config);
  // A self-hosted gateway logs every request on stdout unless told otherwise (on Cloudflare the
  // log is opt-in: each line costs CPU, which is what a request costs there), and takes the
  // client's address from the connection (workerd has no CF-Connecting-IP of its own to trust).
  const vars = { PROXY_WASM_ACCESS_LOG: "on", PROXY_WASM_CLIENT_ADDRESS: "connection", ...(await workerSettings(options)) };
  const files = await writeWorkerdConfig(outDir, { modules, compatibilityDate: COMPATIBILITY_DATE, addresses, stateDir, upstreams, vars });

  const args = ["serve", "--binary", files.binary, `--control-fd=${CONTROL_FD}`, ...(options.verbose ? ["--verbose"] : [])];
  const workerd = startChild(workerdBinary(), args, { stdio: ["inherit", "inherit", "inherit", "pipe"] });
  const listening = await listeningPorts(workerd, workerd.stdio[CONTROL_FD] as Readable, isolates);
  const host = options.ip.includes(":") ? `[${options.ip}]` : options.ip;
  const urls = listening.map((port) => `http://${host}:${port}`);
  await startPlugins(urls[0]);
  return { url: urls[0], urls, exited: workerd.exited, stop: workerd.stop };
}

/**
 * Runs `serve` in the foreground: Ctrl-C or SIGTERM stops workerd, and the command exits with
 * workerd's status.
 */
export async function serve(options: RunOptions): Promise<number> {
  const echo = options.echoUpstream === undefined ? null : await startEcho(options.ip, options.echoUpstream);
  let server: RunningServer;
  try {
    server = await startServer(options);
  } catch (error) {
    await echo?.close();
    throw error;
  }
  // Always SIGTERM: a process started in the background of a script inherits SIGINT as
  // ignored, and workerd keeps that disposition, so forwarding SIGINT would not stop it.
  const removeHandlers = onTerminationSignals(() => server.stop("SIGTERM"));
  try {
    if (echo) console.log(`proxy-wasm-workers echo upstream on http://${options.ip}:${echo.port}`);
    console.log(`proxy-wasm-workers serving ${options.config} on ${server.urls.join(", ")}`);
    const status = await server.exited;
    // Stopped by our own forwarded signal: that is a normal end.
    return status === 128 + 15 ? 0 : status;
  } finally {
    removeHandlers();
    await echo?.close();
  }
}

/** `--echo-upstream PORT`: the echo upstream, or one clear line when the port is taken. */
function startEcho(ip: string, port: number): Promise<EchoUpstream> {
  return startEchoUpstream({ port, host: ip }).catch((error: Error) => {
    throw new CliError(`cannot start the echo upstream on ${ip}:${port}: ${error.message}`);
  });
}

/**
 * Fails with one clear line when something already listens on `ip:port` (workerd itself would
 * print a kj::Exception with a stack trace and exit).
 */
function ensurePortFree(ip: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EADDRINUSE") reject(new CliError(`port ${port} on ${ip} is in use: stop what listens there or pass another --port`));
      else if (error.code === "EACCES") reject(new CliError(`port ${port} on ${ip} needs privileges this user lacks: pass a --port above 1023`));
      else reject(new CliError(`cannot listen on ${ip}:${port}: ${error.message}`));
    });
    probe.listen(port, ip, () => probe.close(() => resolve()));
  });
}

/** `count` distinct ports free on `ip` now (the system picks them; workerd takes them next). */
async function freePorts(ip: string, count: number): Promise<number[]> {
  const probes = Array.from({ length: count }, () => createServer());
  try {
    return await Promise.all(
      probes.map(
        (probe) =>
          new Promise<number>((resolve, reject) => {
            probe.once("error", (error: Error) => reject(new CliError(`cannot listen on ${ip}: ${error.message}`)));
            probe.listen(0, ip, () => resolve((probe.address() as { port: number }).port));
          }),
      ),
    );
  } finally {
    await Promise.all(probes.map((probe) => new Promise((resolve) => (probe.listening ? probe.close(resolve) : resolve(undefined)))));
  }
}

/**
 * Starts every plugin and arms the tick alarm, as the first alarm would: filters that work only
 * through their ticks then run without waiting for a request. A failure is left to the log.
 */
async function startPlugins(url: string): Promise<void> {
  try {
    await (await fetch(url + TICK_PATH, { signal: AbortSignal.timeout(LISTEN_TIMEOUT_MS) })).arrayBuffer();
  } catch {
    // workerd printed why; serving goes on.
  }
}

/** Waits for workerd's listen event of every socket, failing if it exits or takes too long. */
function listeningPorts(workerd: RunningChild, control: Readable | null, sockets: number): Promise<number[]> {
  const ports = new Map<string, number>();
  return new Promise<number[]>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => {
      workerd.stop();
      reject(new CliError(`workerd did not start listening within ${LISTEN_TIMEOUT_MS / 1000} s`));
    }, LISTEN_TIMEOUT_MS);
    control?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split("\n").slice(0, -1)) {
        const event = JSON.parse(line) as { event?: string; socket?: string; port?: number };
        if (event.event === "listen" && typeof event.port === "number") ports.set(event.socket ?? socketName(0), event.port);
        if (ports.size === sockets) {
          clearTimeout(timer);
          resolve(Array.from({ length: sockets }, (_, index) => ports.get(socketName(index))!));
        }
      }
      buffered = buffered.slice(buffered.lastIndexOf("\n") + 1);
    });
    workerd.exited.then(
      (status) => {
        clearTimeout(timer);
        reject(new CliError(`workerd exited with status ${status} before listening (its messages are above)`));
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
