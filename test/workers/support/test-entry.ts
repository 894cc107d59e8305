/**
 * The main module of the test worker: it exports the Durable Object class of global state, so the
 * `PROXY_WASM_STATE` binding of test/workers/wrangler.toml is a real namespace inside workerd.
 * Tests build their gateways themselves (support/gateway.ts); a test that needs requests of their
 * own (a client that goes away cancels its request) serves one through `SELF` (support/self.ts).
 * @module
 */
import { selfHandler } from "./self.ts";

export { ProxyWasmState } from "../../../worker/state/state-object.ts";

export default {
  fetch: (request, env, ctx) => selfHandler()?.(request, env, ctx) ?? new Response("the test worker serves no requests itself", { status: 404 }),
} satisfies ExportedHandler;
