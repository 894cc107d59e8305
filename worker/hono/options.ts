/**
 * The options of `proxyWasm()`, and their validation at start-up: every mistake of one call is
 * reported at once, with the path of the option (`chain[1].config`, `filters.greeting`), when
 * the app's module is evaluated rather than on a request.
 * @module
 */
import { detectAbiVersion } from "../../abi/exports.ts";
import { LOG_LEVEL_NAMES } from "../../abi/types.ts";
import { readChainOption } from "../../config/chain-option.ts";
import { ConfigError } from "../../config/errors.ts";
import { isRecord, kindOf } from "../../config/fields.ts";
import { validateFilterConfigSchema } from "../../config/filter-schema.ts";
import { IssueCollector } from "../../config/issues.ts";
import type { FilterCatalog, FilterEntry, FilterLogLevel, FilterMeta } from "../../config/model.ts";
import { parseLogLevel } from "../console-host.ts";
import { DEFAULT_OPTIONS, type GatewayOptions } from "../options.ts";

/** A filter: its bundled module (`import greeting from "./greeting.wasm"`), or that with the filter's meta.json. */
export type FilterSource = WebAssembly.Module | { module: WebAssembly.Module; meta?: FilterMeta };

/** One entry of the chain: Kong's fields plus this project's (docs/configuration.md). */
export interface ChainEntryOption {
  name: string;
  /** A string (Kong 3.4), or any JSON value when the filter's meta has a `config_schema`. */
  config?: unknown;
  enabled?: boolean;
  root_id?: string;
  vm_config?: string;
  env?: Record<string, string>;
  failure_policy?: "fail_closed" | "fail_open";
  callout_hosts?: string[];
  log_level?: FilterLogLevel;
  fuel_budget?: number;
  /** Only `isolate`: global state needs the gateway's Durable Object (docs/hono.md). */
  shared_state?: "isolate";
}

/** Gateway settings, as the gateway's `PROXY_WASM_*` bindings set them (README, Deploy). */
export interface ProxyWasmSettings {
  /** Filter log threshold, `trace` … `critical` (default `info`). */
  logLevel?: FilterLogLevel;
  /** How long a paused request may wait for a filter to resume it (default 60000; then 504). */
  pauseTimeoutMs?: number;
  /** Bytes a pausing filter may buffer of a body (default 8 MiB; over it 413 request, 502 response). */
  bodyBufferLimit?: number;
  /** Longest `proxy_http_call` (default 60000). */
  calloutTimeoutMs?: number;
  /** Linear memory past which a filter's VM is retired and rebuilt (default 64 MiB). */
  vmMemoryLimit?: number;
  /** Linear memory of all VMs of the isolate past which idle VMs are retired (default 96 MiB). */
  isolateMemoryBudget?: number;
  /** Fuel per callback of a fuel-metered filter (default 100000000). */
  fuelBudget?: number;
}

export interface ProxyWasmOptions extends ProxyWasmSettings {
  /** The filters the chain may name, by name. */
  filters: Record<string, FilterSource>;
  /** The plugins that run, in order, around the handler. */
  chain: ChainEntryOption[];
}

/** The options once validated. */
export interface AppChainPlan {
  entries: FilterEntry[];
  modules: Record<string, WebAssembly.Module>;
  options: GatewayOptions;
}

/** Shown in every error: `proxyWasm() chain[1].config: …`. */
export const OPTIONS_NAME = "proxyWasm()";

const NUMBER_SETTINGS = ["pauseTimeoutMs", "bodyBufferLimit", "calloutTimeoutMs", "vmMemoryLimit", "isolateMemoryBudget", "fuelBudget"] as const;
const KNOWN_OPTIONS: readonly string[] = ["filters", "chain", "logLevel", ...NUMBER_SETTINGS];

/** Workers' `WebAssembly.Module` type is abstract, but the value is a real module. */
function isModule(value: unknown): value is WebAssembly.Module {
  return value instanceof WebAssembly.Module;
}

/** Reads the `filters` option into modules and the catalog the chain reader checks names against. */
function readFilters(issues: IssueCollector, value: unknown): { modules: Record<string, WebAssembly.Module>; catalog: FilterCatalog } {
  const modules: Record<string, WebAssembly.Module> = {};
  const catalog = new Map<string, { name: string; meta?: FilterMeta }>();
  if (!isRecord(value)) {
    issues.add(["filters"], value === undefined ? "required option missing" : `expected a record of filter name → WebAssembly.Module, got ${kindOf(value)}`);
    return { modules, catalog };
  }
  for (const [name, source] of Object.entries(value)) {
    const pair = !isModule(source) && isRecord(source) ? (source as { module?: unknown; meta?: unknown }) : null;
    const module = pair && "module" in pair ? pair.module : source;
    const meta = pair && isRecord(pair.meta) ? (pair.meta as FilterMeta) : undefined;
    if (!isModule(module)) {
      issues.add(["filters", name], `expected a WebAssembly.Module (import the filter's .wasm file), got ${kindOf(module)}`);
      continue;
    }
    if (detectAbiVersion(module) === null) {
      issues.add(["filters", name], "not a Proxy-Wasm module: it exports no proxy_abi_version_* marker");
      continue;
    }
    modules[name] = module;
    catalog.set(name, { name, meta });
  }
  return { modules, catalog };
}

function readSettings(issues: IssueCollector, options: Record<string, unknown>): GatewayOptions {
  const settings: GatewayOptions = { ...DEFAULT_OPTIONS, accessLog: null };
  for (const key of NUMBER_SETTINGS) {
    const value = options[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) issues.add([key], `expected a positive number, got ${JSON.stringify(value)}`);
    else settings[key] = value;
  }
  const level = options.logLevel;
  if (level !== undefined) {
    if (typeof level !== "string" || !(LOG_LEVEL_NAMES as readonly string[]).includes(level)) {
      issues.add(["logLevel"], `expected one of: ${LOG_LEVEL_NAMES.join(", ")}`);
    } else settings.logLevel = parseLogLevel(level);
  }
  return settings;
}

/**
 * Validates the options of one `proxyWasm()` call.
 * @throws ConfigError listing every mistake, each with its option path.
 */
export function readProxyWasmOptions(options: ProxyWasmOptions): AppChainPlan {
  const issues = new IssueCollector({ lineOf: () => null });
  if (!isRecord(options)) throw new ConfigError(OPTIONS_NAME, [{ path: "", line: null, message: "expected an options object { filters, chain }" }]);
  for (const key of Object.keys(options)) if (!KNOWN_OPTIONS.includes(key)) issues.add([key], "unknown option");
  const { modules, catalog } = readFilters(issues, options.filters);
  const read = readChainOption(issues, ["chain"], options.chain, catalog, validateFilterConfigSchema);
  for (const { index, entry } of read) {
    if (entry.sharedState === "global") {
      issues.add(
        ["chain", index, "shared_state"],
        'only "isolate" here: global state lives on the gateway\'s Durable Object, which the middleware does not use (docs/hono.md)',
      );
    }
  }
  const settings = readSettings(issues, options as unknown as Record<string, unknown>);
  if (issues.count > 0) throw new ConfigError(OPTIONS_NAME, issues.list());
  return { entries: read.map(({ entry }) => entry), modules, options: settings };
}
