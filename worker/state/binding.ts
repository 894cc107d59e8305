/**
 * The names under which the build wires the global state service: the Durable Object binding
 * the gateway reads and the class the bundle exports.
 * @module
 */
export const STATE_BINDING = "PROXY_WASM_STATE";
export const STATE_CLASS = "ProxyWasmState";
