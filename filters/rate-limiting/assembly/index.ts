// Entry point of the rate-limiting filter: Kong's "local" rate-limiting policy
// (a fixed one-minute window counted in shared data with compare-and-swap),
// which with `shared_state: global` counts across every isolate.

export * from "@gcoredev/proxy-wasm-sdk-as/assembly/proxy";

import { RootContext, registerRootContext } from "@gcoredev/proxy-wasm-sdk-as/assembly";
import { RateLimitingRoot } from "./rate-limiting-root";

registerRootContext((context_id: u32): RootContext => new RateLimitingRoot(context_id), "rate-limiting");
