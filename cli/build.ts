/**
 * `proxy-wasm-workers build`: config + filters folder → an out folder wrangler can deploy.
 * A filter that a chain names but the folder lacks, or that is no Proxy-Wasm module, fails here
 * rather than on a request.
 * @module
 */
import { copyFile, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative, resolve, sep } from "node:path";
import type { GatewayConfig } from "../config/model.ts";
import type { BundledFilter } from "../worker/bundle.ts";
import { bufferSwitchModuleBytes } from "../abi/buffer-switch-module.ts";
import { BUFFER_SWITCH_FILE, renderEntry, renderWranglerToml } from "./entry-source.ts";
import { describeFilter } from "./filter-facts.ts";
import { declaredMemoryBytes, memoryBudgetWarning } from "./memory-budget.ts";
import { ISOLATE_MEMORY_BUDGET } from "../worker/isolate-memory.ts";
import { MeteringError } from "../metering/metering-error.ts";
import { CliError } from "./cli-error.ts";
import { pathExists } from "./path-exists.ts";
import { meteredFilter } from "./metered-filter.ts";
import { scanFiltersFolder, verifyProxyWasm, type FiltersFolder, type FolderFilter } from "./filters-folder.ts";
import type { BuildOptions } from "./options.ts";
import { GATEWAY_ONLY_WORKER_ENTRY, WORKER_ENTRY } from "./package-paths.ts";
import { readGatewayConfig, usedFilterNames } from "./read-config.ts";

/** The compatibility date of the generated worker (the one workers-platform.md measured). */
export const COMPATIBILITY_DATE = "2026-04-20";
/** The worker name in the generated `wrangler.toml`. */
export const WORKER_NAME = "proxy-wasm-workers";

/** What a build produced. */
export interface BuildResult {
  /** Absolute path of the out folder. */
  outDir: string;
  /** Absolute path of the generated `wrangler.toml`. */
  wranglerToml: string;
  config: GatewayConfig;
  /** The filters bundled (every filter a chain names, enabled or not). */
  filters: string[];
}

/**
 * Copies a filter into the bundle, fuel-metered unless its `.meta.json` says `"metering": false`:
 * locally nothing else stops a filter that loops forever (workerd has no CPU limit).
 */
async function writeBundledFilter(filter: FolderFilter, out: string): Promise<void> {
  if (filter.meta?.metering === false) return copyFile(filter.path, out);
  try {
    await writeFile(out, await meteredFilter(new Uint8Array(await readFile(filter.path))));
  } catch (error) {
    if (!(error instanceof MeteringError)) throw error;
    throw new CliError(
      `filter "${filter.name}" (${filter.path}) cannot be fuel-metered: ${error.message}\n` +
        `  set "metering": false in ${filter.name}.meta.json to bundle it unmetered (no protection against endless loops)`,
    );
  }
}

/** Runs the build. Throws CliError or the loader's ConfigError on user mistakes. */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const folder = await filtersFolder(options);
  const config = await readGatewayConfig(options.config, folder, options.filters);
  const filters = usedFilterNames(config);
  const filterFacts: Record<string, BundledFilter> = {};
  const declaredMemory = new Map<string, number>();
  for (const name of filters) {
    // The loader already rejected unknown names; this guards against a loader that did not.
    const filter = folder.get(name);
    if (!filter) throw new Error(`config names filter "${name}" that the filters folder lacks`);
    await verifyProxyWasm(filter);
    filterFacts[name] = await describeFilter(filter);
    declaredMemory.set(name, declaredMemoryBytes(new Uint8Array(await readFile(filter.path))));
  }
  const budget = Number(process.env.PROXY_WASM_ISOLATE_MEMORY_BUDGET) || ISOLATE_MEMORY_BUDGET;
  const overBudget = memoryBudgetWarning(config, declaredMemory, budget);
  if (overBudget) console.warn(`warning: ${options.config}: ${overBudget}`);

  const outDir = resolve(options.out);
  const filtersOut = join(outDir, "filters");
  // Remove only what a build writes: --out may be a folder holding other things.
  await rm(filtersOut, { recursive: true, force: true });
  await mkdir(filtersOut, { recursive: true });
  for (const name of filters) {
    // Always a lower-case `.wasm`, so the bundler's default CompiledWasm rule matches.
    await writeBundledFilter(folder.get(name)!, join(filtersOut, `${name}.wasm`));
  }

  await writeFile(join(outDir, BUFFER_SWITCH_FILE), bufferSwitchModuleBytes());

  const entry = renderEntry({
    config,
    filters,
    filterFacts,
    workerImport: importSpecifier(outDir, options.adminApi === false ? GATEWAY_ONLY_WORKER_ENTRY : WORKER_ENTRY),
    workerFactory: options.adminApi === false ? "createGatewayOnlyWorker" : "createWorker",
    configPath: options.config,
    filtersDir: options.filters,
  });
  await writeFile(join(outDir, "entry.js"), entry);
  const wranglerToml = join(outDir, "wrangler.toml");
  await writeFile(wranglerToml, renderWranglerToml(WORKER_NAME, COMPATIBILITY_DATE));
  return { outDir, wranglerToml, config, filters };
}

/** The filters folder; a defaulted folder that does not exist is simply empty (Kong: no user filters). */
async function filtersFolder(options: BuildOptions): Promise<FiltersFolder> {
  if (!options.filtersExplicit && !(await pathExists(options.filters))) return new Map();
  return scanFiltersFolder(options.filters);
}

/** A relative ES import specifier from a file in `fromDir` to `target`. */
function importSpecifier(fromDir: string, target: string): string {
  const path = relative(fromDir, target).split(sep).join("/");
  return path.startsWith(".") ? path : `./${path}`;
}
