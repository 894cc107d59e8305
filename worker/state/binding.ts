/**
 * The names under which the build wires the global state service: the Durable Object binding
 * the gateway reads and the class the bundle exports.
 * @module
 */
export const STATE_BINDING = "PROXY_WASM_STATE";
export const STATE_CLASS = "ProxyWasmState";
/** The service binding through which the state object's alarm wakes the gateway (ticks without traffic). */
export const GATEWAY_BINDING = "PROXY_WASM_GATEWAY";
/** The path on which the tick alarm calls the gateway (worker/ticks-endpoint.ts). */
export const TICK_PATH = "/.well-known/proxy-wasm/tick";
