/**
 * A Hono app of its own with Proxy-Wasm filters in front of its API: the greeting filter adds
 * `X-Greeting` to every response under /api/*; other paths are the app's alone.
 * @module
 */
import { Hono } from "hono";
import { proxyWasm } from "proxy-wasm-workers/hono";
// Built from source by `npm run build:filters` in this repository. In your own app this is any
// Proxy-Wasm .wasm file next to your code: wrangler bundles it as a precompiled module.
import greeting from "../../../build/filters/greeting.wasm";

export const app = new Hono();

app.use(
  "/api/*",
  proxyWasm({
    filters: { greeting },
    chain: [{ name: "greeting", config: '{"my_greeting": "Hello from Proxy-Wasm in Hono!"}' }],
  }),
);

app.get("/api/hello", (c) => c.json({ hello: "world" }));
app.post("/api/echo", async (c) => c.text(await c.req.text()));
app.get("/", (c) => c.text("home: no filters here\n"));
