/**
 * The main module of the test worker: it exports the Durable Object class of global state, so the
 * `PROXY_WASM_STATE` binding of test/workers/wrangler.toml is a real namespace inside workerd.
 * Tests build their gateways themselves (support/gateway.ts); this worker answers nothing else.
 * @module
 */
export { ProxyWasmState } from "../../../worker/state/state-object.ts";

export default {
  fetch: () => new Response("the test worker serves no requests itself", { status: 404 }),
} satisfies ExportedHandler;
