/**
 * The filters folder, read the way Kong reads `wasm_filters_path`: top-level `*.wasm` files
 * (extension matched case-insensitively, no recursion), name = file name without `.wasm`, plus
 * an optional `<name>.meta.json` next to each.
 * @module
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { LOG_LEVEL_NAMES } from "../abi/types.ts";
import type { FilterInfo, FilterMeta } from "../config/model.ts";
import { CliError } from "./cli-error.ts";
import { schemaProblem } from "./schema-shape.ts";

/** A filter found in the folder: what the config loader sees, plus where its files are. */
export interface FolderFilter extends FilterInfo {
  /** Path of the `.wasm` file (the folder path joined with the file name as found). */
  path: string;
}

/** The filters of one folder by name; usable directly as the loader's `FilterCatalog`. */
export type FiltersFolder = ReadonlyMap<string, FolderFilter>;

const WASM_EXTENSION = /\.wasm$/i;
const ABI_MARKER = /^proxy_abi_version_0_(1_0|2_0|2_1)$/;
const FAILURE_POLICIES = new Set(["fail_closed", "fail_open"]);

/**
 * Lists the filters of `dir` and loads their metadata.
 * Fails like Kong when `dir` is not a directory or any `.meta.json` is unusable (all bad
 * metadata files are reported at once, so one run shows every problem).
 */
export async function scanFiltersFolder(dir: string): Promise<FiltersFolder> {
  if (!(await isDirectory(dir))) throw new CliError(`wasm_filters_path '${dir}' is not a valid directory`);
  const filters = new Map<string, FolderFilter>();
  const entries = await readdir(dir);
  for (const file of entries.sort()) {
    if (!WASM_EXTENSION.test(file)) continue;
    const path = join(dir, file);
    // A directory called x.wasm is not a filter; symlinks to files are (stat follows them).
    if (!(await isFile(path))) continue;
    const name = file.replace(WASM_EXTENSION, "");
    const twin = filters.get(name);
    if (twin) throw new CliError(`filters "${twin.path}" and "${path}" both give the filter name "${name}"`);
    filters.set(name, { name, path });
  }

  const failures: string[] = [];
  for (const filter of filters.values()) {
    const metaPath = join(dir, `${filter.name}.meta.json`);
    try {
      const meta = await readMeta(metaPath);
      if (meta) filter.meta = meta;
    } catch (error) {
      failures.push(`  filter "${filter.name}" (${metaPath}): ${(error as Error).message}`);
    }
  }
  if (failures.length > 0) {
    throw new CliError(["Failed to load metadata for one or more filters:", ...failures].join("\n"));
  }
  return filters;
}

/**
 * Compiles a filter in Node and checks that it is a Proxy-Wasm module: a guest of any SDK exports
 * one `proxy_abi_version_*` marker. Catching this at build time beats a 500 on the first request.
 */
export async function verifyProxyWasm(filter: FolderFilter): Promise<void> {
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(await readFile(filter.path));
  } catch (error) {
    throw new CliError(`filter "${filter.name}" (${filter.path}) is not a valid WebAssembly module: ${String(error)}`);
  }
  const exported = WebAssembly.Module.exports(module).map((entry) => entry.name);
  if (!exported.some((name) => ABI_MARKER.test(name))) {
    throw new CliError(
      `filter "${filter.name}" (${filter.path}) is not a Proxy-Wasm module: it exports no proxy_abi_version_* marker`,
    );
  }
}

/** Reads one metadata file; `undefined` when there is none. Errors carry Kong's reasons. */
async function readMeta(path: string): Promise<FilterMeta | undefined> {
  let text: string;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error("path exists but is not a file");
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    if ((error as NodeJS.ErrnoException).code) throw new Error(`I/O error: ${(error as Error).message}`);
    throw error;
  }
  let meta: unknown;
  try {
    meta = JSON.parse(text);
  } catch (error) {
    throw new Error(`JSON decode error: ${(error as Error).message}`);
  }
  const problem = metaProblem(meta);
  if (problem) throw new Error(`file contains invalid metadata: ${problem}`);
  return meta as FilterMeta;
}

/** What is wrong with a parsed metadata document, or `undefined`. Unknown keys pass (Kong has more). */
function metaProblem(meta: unknown): string | undefined {
  if (typeof meta !== "object" || meta === null || Array.isArray(meta)) return "expected a JSON object";
  const { root_id, vm_config, env, failure_policy, metering, fuel_budget, callout_hosts, log_level, shared_state, config_schema } = meta as Record<string, unknown>;
  if (config_schema !== undefined) {
    const problem = schemaProblem(config_schema);
    if (problem) return problem;
  }
  if (shared_state !== undefined && shared_state !== "isolate" && shared_state !== "global") return 'shared_state must be "isolate" or "global"';
  if (metering !== undefined && typeof metering !== "boolean") return "metering must be true or false";
  if (fuel_budget !== undefined && !(Number.isSafeInteger(fuel_budget) && (fuel_budget as number) > 0)) return "fuel_budget must be a positive integer";
  if (callout_hosts !== undefined && !(Array.isArray(callout_hosts) && callout_hosts.every((h) => typeof h === "string"))) {
    return "callout_hosts must be an array of strings";
  }
  if (log_level !== undefined && !LOG_LEVELS.has(log_level as string)) return `log_level must be one of ${LOG_LEVEL_NAMES.join(", ")}`;
  if (root_id !== undefined && typeof root_id !== "string") return "root_id must be a string";
  if (vm_config !== undefined && typeof vm_config !== "string") return "vm_config must be a string";
  if (env !== undefined) {
    if (typeof env !== "object" || env === null || Array.isArray(env)) return "env must be an object";
    for (const [key, value] of Object.entries(env)) {
      if (typeof value !== "string") return `env.${key} must be a string`;
    }
  }
  if (failure_policy !== undefined && !FAILURE_POLICIES.has(failure_policy as string)) {
    return 'failure_policy must be "fail_closed" or "fail_open"';
  }
  return undefined;
}

const LOG_LEVELS: ReadonlySet<string> = new Set(LOG_LEVEL_NAMES);

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
