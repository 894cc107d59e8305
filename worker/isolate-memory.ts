/**
 * Cloudflare caps an isolate at 128 MB; the runtime, the gateway's JS and each instance's own
 * objects need some of it, so the VMs' linear memory gets 96 MiB by default
 * (`PROXY_WASM_ISOLATE_MEMORY_BUDGET`). The build warns about a config over it; the plugin pool
 * retires idle VMs past it.
 * @module
 */
export const ISOLATE_MEMORY_BUDGET = 96 * 1024 * 1024;
