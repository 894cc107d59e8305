/**
 * `proxy-wasm-workers/hono`: Proxy-Wasm filter chains as Hono middleware (docs/hono.md).
 * @module
 */
export { proxyWasm } from "./middleware.ts";
export type { ChainEntryOption, FilterSource, ProxyWasmOptions, ProxyWasmSettings } from "./options.ts";
export { ConfigError } from "../../config/errors.ts";
