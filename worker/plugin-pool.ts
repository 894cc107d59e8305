/**
 * The plugins of this isolate, one VM each, instantiated lazily on first use and rebuilt after a
 * VM failed (a trap poisons the instance; the next request gets a fresh one, as in Kong).
 * @module
 */
import { detectAbiVersion } from "../abi/exports.ts";
import { VmFailure } from "../abi/errors.ts";
import type { VmHost } from "../abi/host-api.ts";
import { encodeUtf8 } from "../abi/memory.ts";
import { Plugin } from "../abi/plugin.ts";
import { Vm } from "../abi/vm.ts";
import type { FilterEntry, GatewayConfig } from "../config/model.ts";
import { calloutHost } from "./callouts.ts";
import { parseLogLevel } from "./console-host.ts";
import type { GatewayOptions } from "./options.ts";

/** A plugin ready to serve, or why it cannot. */
export type PluginSlot = { ok: true; plugin: Plugin } | { ok: false; failure: VmFailure };

/** What the gateway's options bound for every plugin. */
type Limits = Pick<GatewayOptions, "calloutTimeoutMs" | "vmMemoryLimit" | "fuelBudget">;

/** The host as one plugin sees it: its own log level when its entry sets one. */
function pluginHost(host: VmHost, entry: FilterEntry): VmHost {
  if (entry.logLevel === null) return host;
  const level = parseLogLevel(entry.logLevel);
  return { ...host, logLevel: () => level };
}

export class PluginPool {
  readonly #modules: Readonly<Record<string, WebAssembly.Module>>;
  readonly #host: VmHost;
  readonly #config: GatewayConfig;
  readonly #limits: Limits;
  readonly #plugins = new Map<string, Plugin>();
  /** Configurations a filter rejected: deterministic, so they are not retried on every request. */
  readonly #rejected = new Map<string, VmFailure>();

  constructor(
    config: GatewayConfig,
    modules: Readonly<Record<string, WebAssembly.Module>>,
    host: VmHost,
    limits: Limits,
  ) {
    this.#config = config;
    this.#modules = modules;
    this.#host = host;
    this.#limits = limits;
  }

  /** Whether any started plugin has a tick period (else no request needs to check for ticks). */
  get ticking(): boolean {
    for (const plugin of this.#plugins.values()) if (plugin.root.tickPeriodMs > 0) return true;
    return false;
  }

  /** The plugins started so far. */
  get plugins(): IterableIterator<Plugin> {
    return this.#plugins.values();
  }

  /** The plugin for the chain entry `key`, started if needed. */
  get(key: string, entry: FilterEntry): PluginSlot {
    const rejected = this.#rejected.get(key);
    if (rejected) return { ok: false, failure: rejected };
    const existing = this.#plugins.get(key);
    if (existing && !existing.vm.failure) return { ok: true, plugin: existing };
    try {
      const plugin = this.#start(entry);
      this.#plugins.set(key, plugin);
      return { ok: true, plugin };
    } catch (error) {
      this.#plugins.delete(key);
      const failure = error instanceof VmFailure ? error : new VmFailure("instantiate", entry.name, "instantiate", error);
      if (failure.kind === "configure" || failure.kind === "vm_start") this.#rejected.set(key, failure);
      return { ok: false, failure };
    }
  }

  #start(entry: FilterEntry): Plugin {
    const module = this.#modules[entry.name];
    if (!module) throw new VmFailure("instantiate", entry.name, "instantiate", new Error("the filter is not in this bundle"));
    const abi = detectAbiVersion(module);
    if (!abi) throw new VmFailure("instantiate", entry.name, "instantiate", new Error("not a Proxy-Wasm module"));
    const callouts = calloutHost(this.#config, entry, this.#limits.calloutTimeoutMs);
    const vm = Vm.create(module, {
      filter: entry.name,
      vmId: entry.name,
      abi,
      env: entry.env,
      host: pluginHost(this.#host, entry),
      callouts,
      memoryLimitBytes: this.#limits.vmMemoryLimit,
      fuelBudget: BigInt(entry.fuelBudget ?? this.#limits.fuelBudget),
    });
    return Plugin.start(vm, {
      name: entry.name,
      rootId: entry.rootId,
      configuration: encodeUtf8(entry.config ?? ""),
      vmConfiguration: encodeUtf8(entry.vmConfig),
    });
  }
}
