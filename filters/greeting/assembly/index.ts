// Entry point of the greeting filter (Kong Gateway 3.4's announcement demo):
// adds `X-Greeting: <my_greeting>` to every response.

// The SDK's callbacks (proxy_on_*), ABI marker and allocator (malloc/free).
export * from "@gcoredev/proxy-wasm-sdk-as/assembly/proxy";

import { RootContext, registerRootContext } from "@gcoredev/proxy-wasm-sdk-as/assembly";
import { GreetingRoot } from "./greeting-root";

// This SDK fork ignores the name (it keeps one factory and never reads the
// `plugin_root_id` property), so the filter works with any root_id the host
// reports, including the default "". The name documents intent only.
registerRootContext((context_id: u32): RootContext => new GreetingRoot(context_id), "greeting");
