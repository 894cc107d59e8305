/**
 * The plugins of this isolate, one VM each, instantiated lazily on first use and rebuilt after a
 * VM failed (a trap poisons the instance; the next request gets a fresh one, as in Kong).
 * @module
 */
import { detectAbiVersion } from "../abi/exports.ts";
import { VmFailure } from "../abi/errors.ts";
import type { VmHost } from "../abi/host-api.ts";
import type { GlobalStateAccess } from "../abi/global-state.ts";
import type { MaybePromise } from "../abi/maybe-async.ts";
import { encodeUtf8 } from "../abi/memory.ts";
import { LogLevel } from "../abi/types.ts";
import { Plugin } from "../abi/plugin.ts";
import { Vm } from "../abi/vm.ts";
import { planChain } from "../config/chain-plan.ts";
import type { FilterEntry, GatewayConfig } from "../config/model.ts";
import { calloutHost } from "./callouts.ts";
import { parseLogLevel } from "./console-host.ts";
import type { GatewayOptions } from "./options.ts";
import { STATE_BINDING } from "./state/binding.ts";

/** A plugin ready to serve, or why it cannot. */
export type PluginSlot = { ok: true; plugin: Plugin } | { ok: false; failure: VmFailure };

/** What the gateway's options bound for every plugin. */
type Limits = Pick<GatewayOptions, "calloutTimeoutMs" | "vmMemoryLimit" | "fuelBudget"> & Partial<Pick<GatewayOptions, "isolateMemoryBudget" | "bufferSwitch">>;

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
  /** Plugins of VMs with global state whose start is still waiting for the state service. */
  readonly #starting = new Map<string, Promise<PluginSlot>>();
  readonly #globalState: GlobalStateAccess | null;
  readonly #hasGlobalState: boolean;

  constructor(
    config: GatewayConfig,
    modules: Readonly<Record<string, WebAssembly.Module>>,
    host: VmHost,
    limits: Limits,
    globalState: GlobalStateAccess | null = null,
  ) {
    this.#config = config;
    this.#modules = modules;
    this.#host = host;
    this.#limits = limits;
    this.#globalState = globalState;
    this.#hasGlobalState = config.routes.some((_, index) => planChain(config, index).some(({ filter }) => filter.sharedState === "global"));
  }

  /** Whether any started plugin has a tick period (else no request needs to check for ticks). */
  get ticking(): boolean {
    for (const plugin of this.#plugins.values()) if (plugin.root.tickPeriodMs > 0) return true;
    return false;
  }

  /**
   * Whether the config has plugins with global state (their queues are polled with the ticks).
   * Known from the config once, so a request does not look through the plugins for it.
   */
  get suspending(): boolean {
    return this.#hasGlobalState;
  }

  /** The plugins started so far, with the chain-entry key each is pooled under. */
  entries(): [string, Plugin][] {
    return [...this.#plugins.entries()];
  }

  /** The plugins started so far. */
  get plugins(): IterableIterator<Plugin> {
    return this.#plugins.values();
  }

  /**
   * The plugin for the chain entry `key`, started if needed. A promise while a plugin with global
   * state starts (its start callbacks may wait for the state service); requests meanwhile share it.
   */
  get(key: string, entry: FilterEntry): MaybePromise<PluginSlot> {
    const rejected = this.#rejected.get(key);
    if (rejected) return { ok: false, failure: rejected };
    const existing = this.#plugins.get(key);
    if (existing && !existing.vm.failure) {
      // Most recently used last: the pool's insertion order is the retirement order.
      this.#plugins.delete(key);
      this.#plugins.set(key, existing);
      return { ok: true, plugin: existing };
    }
    const starting = this.#starting.get(key);
    if (starting) return starting;
    const failed = (error: unknown): PluginSlot => {
      this.#plugins.delete(key);
      const failure = error instanceof VmFailure ? error : new VmFailure("instantiate", entry.name, "instantiate", error);
      if (failure.kind === "configure" || failure.kind === "vm_start") this.#rejected.set(key, failure);
      return { ok: false, failure };
    };
    const started = (plugin: Plugin): PluginSlot => {
      this.#plugins.set(key, plugin);
      this.#keepWithinBudget(plugin);
      return { ok: true, plugin };
    };
    let plugin: MaybePromise<Plugin>;
    try {
      plugin = this.#start(entry);
    } catch (error) {
      return failed(error);
    }
    if (!(plugin instanceof Promise)) return started(plugin);
    const slot = plugin.then(started, failed).finally(() => this.#starting.delete(key));
    this.#starting.set(key, slot);
    return slot;
  }

  /**
   * Retires idle VMs, least recently used first, while the VMs' linear memory is over the
   * isolate's budget: they are rebuilt when a request needs them again. A VM with a stream in
   * flight, or whose plugin ticks, is not idle.
   */
  #keepWithinBudget(keep: Plugin): void {
    const budget = this.#limits.isolateMemoryBudget ?? Number.POSITIVE_INFINITY;
    let total = 0;
    for (const plugin of this.#plugins.values()) total += plugin.vm.memory.size;
    if (total <= budget) return;
    for (const [key, plugin] of this.#plugins) {
      if (total <= budget) break;
      const idle = plugin !== keep && plugin.vm.contexts.size === 1 && plugin.root.tickPeriodMs === 0;
      if (!idle) continue;
      this.#plugins.delete(key);
      total -= plugin.vm.memory.size;
      const ended = plugin.shutdown();
      if (ended instanceof Promise) ended.catch(() => undefined);
      this.#host.log(plugin.vm.filter, LogLevel.Info, `VM of plugin ${key} retired: the VMs of this isolate held more than ${budget} bytes of linear memory`);
    }
  }

  #start(entry: FilterEntry): MaybePromise<Plugin> {
    const module = this.#modules[entry.name];
    if (!module) throw new VmFailure("instantiate", entry.name, "instantiate", new Error("the filter is not in this bundle"));
    const abi = detectAbiVersion(module);
    if (!abi) throw new VmFailure("instantiate", entry.name, "instantiate", new Error("not a Proxy-Wasm module"));
    const callouts = calloutHost(this.#config, entry, this.#limits.calloutTimeoutMs);
    const options = {
      filter: entry.name,
      vmId: entry.name,
      abi,
      env: entry.env,
      host: pluginHost(this.#host, entry),
      callouts,
      memoryLimitBytes: this.#limits.vmMemoryLimit,
      fuelBudget: BigInt(entry.fuelBudget ?? this.#limits.fuelBudget),
      bufferSwitch: this.#limits.bufferSwitch ?? undefined,
    };
    const settings = {
      name: entry.name,
      rootId: entry.rootId,
      configuration: encodeUtf8(entry.config ?? ""),
      vmConfiguration: encodeUtf8(entry.vmConfig),
    };
    if (entry.sharedState === "isolate") return Plugin.start(Vm.create(module, options), settings);
    const globalState = this.#globalState;
    if (globalState === null) {
      throw new VmFailure("instantiate", entry.name, "instantiate", new Error(`shared_state: global needs the ${STATE_BINDING} Durable Object binding, which this worker lacks`));
    }
    return Vm.createSuspending(module, { ...options, globalState }).then((vm) => Plugin.startAny(vm, settings));
  }
}
