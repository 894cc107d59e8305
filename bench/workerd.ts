/**
 * Bundling a worker the way `proxy-wasm-workers serve` does (cli/ functions, reused, not
 * copied) and starting fresh `workerd serve` processes on it. A bundle is built once and
 * started as often as a measurement needs a fresh isolate.
 * @module
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { build, COMPATIBILITY_DATE } from "../cli/build.ts";
import { bundleWithWrangler } from "../cli/bundle.ts";
import { renderWranglerToml } from "../cli/entry-source.ts";
import { workerdBinary } from "../cli/package-paths.ts";
import type { WorkerdConfig } from "../cli/workerd-config.ts";
import { writeWorkerdConfig } from "../cli/workerd-config-files.ts";
import { startProcess, type BenchChild } from "./processes.ts";

/**
 * A bundled worker with its generated workerd config (listening on any free port), in binary
 * form as `serve` starts it: every bench worker starts the same way, so cold starts compare.
 */
export interface BundledWorker {
  name: string;
  /** `workerd.config.bin`, for `workerd serve --binary`. */
  config: string;
  /** `workerd.capnp`, the same config as text (only bench/config-form-paired.ts starts from it). */
  textConfig: string;
  /** What both describe, for writing the config another way (another checkout's renderer). */
  workerdConfig: WorkerdConfig;
}

/** A running workerd. */
export interface RunningWorkerd {
  url: string;
  pid: number;
  /** `performance.now()` just before the process was spawned. */
  spawnedAt: number;
  /** `performance.now()` when workerd reported its socket open. */
  listeningAt: number;
  child: BenchChild;
}

const CONTROL_FD = 3;

/** Whether the checkout at `root` has global state's objects to host (a baseline may predate them). */
export function hasGlobalState(root: string): boolean {
  return existsSync(join(root, "worker/state/binding.ts"));
}

/**
 * Bundles the worker built in `outDir` and writes its workerd config; a gateway gets its state
 * objects (storage under `outDir/state`). Also for a build by another checkout (a baseline), which
 * then starts the way this checkout starts workers.
 */
export async function finish(name: string, outDir: string, gateway: boolean, vars: Record<string, string> = {}): Promise<BundledWorker> {
  const modules = await bundleWithWrangler(outDir);
  const stateDir = gateway ? join(outDir, "state") : null;
  if (stateDir) await mkdir(stateDir, { recursive: true });
  const workerdConfig = { modules, compatibilityDate: COMPATIBILITY_DATE, addresses: ["127.0.0.1:0"], stateDir, vars };
  const files = await writeWorkerdConfig(outDir, workerdConfig);
  return { name, config: files.binary, textConfig: files.text, workerdConfig };
}

/** The gateway for `config` and `filters`, exactly as `serve` builds it (`adminApi: false` as `--admin-api off` does). */
export async function bundleGateway(name: string, config: string, filters: string, outDir: string, adminApi = true, vars: Record<string, string> = {}): Promise<BundledWorker> {
  const { outDir: out } = await build({ config, filters, filtersExplicit: true, out: outDir, adminApi });
  return finish(name, out, true, vars);
}

/**
 * A plain worker: `source` exports `createWorker(upstream)`; the generated entry calls it with
 * the upstream URL (baked in, so the config needs no bindings, like the gateway's).
 */
export async function bundlePlainWorker(name: string, source: string, upstream: string, outDir: string): Promise<BundledWorker> {
  const out = resolve(outDir);
  await mkdir(out, { recursive: true });
  let specifier = relative(out, resolve(source)).split(sep).join("/");
  if (!specifier.startsWith(".")) specifier = `./${specifier}`;
  const entry = [
    `import { createWorker } from ${JSON.stringify(specifier)};`,
    `export default createWorker(${JSON.stringify(upstream)});`,
    ``,
  ].join("\n");
  await writeFile(join(out, "entry.js"), entry);
  await writeFile(join(out, "wrangler.toml"), renderWranglerToml(name, COMPATIBILITY_DATE, false));
  return finish(name, out, false);
}

/**
 * Starts a fresh workerd on `worker` (with `extraArgs`, e.g. an inspector address), from its
 * binary config unless `form` says text; resolves once it accepts connections. `launcher` runs
 * workerd under another command (a profiler: `["perf", "record", …, "--"]`).
 */
export async function startWorkerd(
  worker: BundledWorker,
  extraArgs: readonly string[] = [],
  form: "binary" | "text" = "binary",
  launcher: readonly string[] = [],
): Promise<RunningWorkerd> {
  const config = form === "binary" ? ["--binary", worker.config] : [worker.textConfig];
  const command = [...launcher, workerdBinary(), "serve", ...config, `--control-fd=${CONTROL_FD}`, ...extraArgs];
  const spawnedAt = performance.now();
  const child = startProcess(command[0]!, command.slice(1), {
    // stdout carries console.log of the worker (filter logs): not wanted under load.
    stdio: ["ignore", "ignore", "inherit", "pipe"],
  });
  const port = await listenPort(child, child.process.stdio[CONTROL_FD] as Readable);
  return { url: `http://127.0.0.1:${port}`, pid: child.pid, spawnedAt, listeningAt: performance.now(), child };
}

function listenPort(child: BenchChild, control: Readable): Promise<number> {
  return new Promise<number>((resolvePort, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error("workerd did not listen within 30 s")), 30_000);
    control.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) {
        const event = JSON.parse(line) as { event?: string; port?: number };
        if (event.event === "listen" && typeof event.port === "number") {
          clearTimeout(timer);
          resolvePort(event.port);
        }
      }
    });
    child.exited.then((status) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited with status ${status} before listening`));
    });
  });
}
