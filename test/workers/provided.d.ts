import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Port of the echo upstream on 127.0.0.1 (test/setup/echo-upstream.ts). */
    upstreamPort: number;
  }
}

declare global {
  namespace Cloudflare {
    interface Env {
      /** Global state's Durable Objects (test/workers/wrangler.toml). */
      PROXY_WASM_STATE: DurableObjectNamespace<import("../../worker/state/state-object.ts").ProxyWasmState>;
    }
  }
}
