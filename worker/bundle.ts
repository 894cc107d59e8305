import type { GatewayConfig } from "../config/model.ts";

/**
 * What the build hands to the worker: the normalised config and the precompiled modules of
 * exactly the filters its chains use (workerd cannot compile Wasm at run time).
 */
export interface GatewayBundle {
  config: GatewayConfig;
  modules: Readonly<Record<string, WebAssembly.Module>>;
}
