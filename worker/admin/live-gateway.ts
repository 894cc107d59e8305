/**
 * The gateway an isolate runs right now, and the switch to a new config without a redeploy:
 * `POST /config` installs it at once in the isolate that took it, and every other isolate picks
 * it up from the config store on its next check (at most every `CONFIG_POLL_SECONDS`).
 * @module
 */
import { validateFilterConfigSchema } from "../../config/filter-schema.ts";
import { deriveId } from "../../config/ids.ts";
import { loadDeclarativeConfig } from "../../config/load.ts";
import type { FilterCatalog, GatewayConfig } from "../../config/model.ts";
import type { GatewayBundle } from "../bundle.ts";
import type { Gateway } from "../gateway.ts";
import { readStoredConfig, type ConfigKv } from "./config-store.ts";
import type { GatewayMetrics } from "./metrics.ts";

/** The version name of the config the bundle was built with. */
export const BUNDLE_VERSION = "bundle";

/** The config an isolate serves and where it came from. */
export interface RunningConfig {
  gateway: Gateway;
  config: GatewayConfig;
  version: string;
  origin: "bundle" | "store";
  /** The declarative text it was loaded from (`null` for the bundle's, which was built ahead). */
  source: string | null;
  /** Milliseconds since the epoch. */
  loadedAt: number;
}

/** The filters a run-time config may use: exactly the bundled ones, with their meta (schemas). */
export function bundleCatalog(bundle: GatewayBundle): FilterCatalog {
  return new Map(Object.keys(bundle.modules).map((name) => [name, { name, meta: bundle.filters?.[name]?.meta }]));
}

/**
 * Identifies a deployed bundle. A stored config remembers the bundle it was validated against;
 * after a redeploy with another config or other filters the deployment wins over the store.
 */
export function bundleFingerprint(bundle: GatewayBundle): string {
  const filters = Object.keys(bundle.modules).sort().map((name) => [name, bundle.filters?.[name] ?? null]);
  return deriveId("bundle", JSON.stringify(bundle.config), JSON.stringify(filters));
}

export class LiveGateway {
  readonly catalog: FilterCatalog;
  readonly fingerprint: string;
  readonly #bundle: GatewayBundle;
  readonly #newGateway: (config: GatewayConfig) => Gateway;
  readonly #log: (message: string) => void;
  readonly #metrics: GatewayMetrics;
  #running: RunningConfig | null = null;
  #lastCheck = Number.NEGATIVE_INFINITY;
  #checking: Promise<void> | null = null;
  /** Stored versions this isolate refused, so it logs and counts each once. */
  readonly #refused = new Set<string>();

  /**
   * @param newGateway builds the gateway of a config (the bundle's modules, the isolate's host and options)
   * @param log reports stored configs this isolate cannot run
   */
  constructor(bundle: GatewayBundle, newGateway: (config: GatewayConfig) => Gateway, log: (message: string) => void, metrics: GatewayMetrics) {
    this.#bundle = bundle;
    this.#newGateway = newGateway;
    this.#log = log;
    this.#metrics = metrics;
    this.catalog = bundleCatalog(bundle);
    this.fingerprint = bundleFingerprint(bundle);
  }

  /** What the isolate serves; the bundle's config until another one is installed. */
  get running(): RunningConfig {
    this.#running ??= this.#build(this.#bundle.config, BUNDLE_VERSION, "bundle", null);
    return this.#running;
  }

  /**
   * Validates a declarative config against the bundled filters and their schemas.
   * @throws ConfigError listing every problem.
   */
  load(text: string, fileName = "POST /config"): GatewayConfig {
    const names = [...this.catalog.keys()].join(", ") || "none";
    return loadDeclarativeConfig(text, {
      fileName,
      filters: this.catalog,
      filtersDir: `of this deployment, which bundles: ${names}`,
      validateFilterConfig: validateFilterConfigSchema,
    });
  }

  /** Switches this isolate to `config`; requests already running finish on the old gateway. */
  install(config: GatewayConfig, version: string, source: string): void {
    this.#running = this.#build(config, version, "store", source);
    this.#metrics.countReload();
  }

  /**
   * Checks the store when `intervalMs` passed since the last check and installs a new version.
   * Concurrent requests share one check; a failed check keeps the running config. Nothing to
   * wait for (no store, or checked recently) is `undefined`, so requests skip an `await`.
   */
  sync(kv: ConfigKv | undefined, intervalMs: number, now = Date.now()): Promise<void> | undefined {
    if (!kv || now - this.#lastCheck < intervalMs) return undefined;
    this.#checking ??= this.#check(kv, now).finally(() => {
      this.#checking = null;
    });
    return this.#checking;
  }

  async #check(kv: ConfigKv, now: number): Promise<void> {
    this.#lastCheck = now;
    let stored;
    try {
      stored = await readStoredConfig(kv);
    } catch (error) {
      this.#log(`cannot read the stored config, keeping version ${this.running.version}: ${String(error)}`);
      return;
    }
    if (stored === null || stored.version === this.running.version || this.#refused.has(stored.version)) return;
    if (stored.bundle !== this.fingerprint) {
      this.#refuse(stored.version, "it was posted for another deployment; the deployed config wins");
      return;
    }
    try {
      this.install(this.load(stored.source, `stored config ${stored.version}`), stored.version, stored.source);
    } catch (error) {
      this.#refuse(stored.version, error instanceof Error ? error.message : String(error));
    }
  }

  #refuse(version: string, why: string): void {
    this.#refused.add(version);
    this.#metrics.countRejection();
    this.#log(`ignoring stored config ${version}: ${why}`);
  }

  #build(config: GatewayConfig, version: string, origin: RunningConfig["origin"], source: string | null): RunningConfig {
    return { gateway: this.#newGateway(config), config, version, origin, source, loadedAt: Date.now() };
  }

}
