/**
 * The contract between the build and the worker: what the generated entry passes to `createWorker`.
 * @module
 */
import type { FilterMeta, GatewayConfig } from "../config/model.ts";

/** What the build learnt about one bundled filter (the worker cannot read the `.wasm` bytes). */
export interface BundledFilter {
  /** `<name>.meta.json` as read by the build (schema, defaults), when the filter has one. */
  meta?: FilterMeta;
  /** The Proxy-Wasm ABI version the module declares, e.g. `0.2.1`. */
  abi: string;
  /** Size of the `.wasm` file in bytes. */
  size: number;
  /** The module's imports as `module.name`, e.g. `env.proxy_log`. */
  imports: string[];
}

/**
 * What the build hands to the worker: the normalised config and the precompiled modules of
 * exactly the filters its chains use (workerd cannot compile Wasm at run time).
 */
export interface GatewayBundle {
  config: GatewayConfig;
  modules: Readonly<Record<string, WebAssembly.Module>>;
  /**
   * Facts and metadata of each bundled filter, by name. Optional so hand-made bundles (tests)
   * keep working; without it the admin API derives what it can from the modules and run-time
   * config changes cannot use schemas.
   */
  filters?: Readonly<Record<string, BundledFilter>>;
  /**
   * The buffer switch the build writes (abi/buffer-switch-module.ts): bodies no filter reads stay
   * the runtime's streams. Optional: without it every body a filter's callbacks could read is read.
   */
  bufferSwitch?: WebAssembly.Module;
}
