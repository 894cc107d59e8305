/**
 * The example app inside workerd (the root `npm test` runs it in its workers project).
 */
import { describe, expect, it } from "vitest";
import { app } from "../src/app.ts";

describe("the example Hono app", () => {
  it("answers /api/hello from its handler, with the greeting filter's header", async () => {
    const response = await app.request("http://example.test/api/hello");
    expect(response.status).toBe(200);
    expect(response.headers.get("x-greeting")).toBe("Hello from Proxy-Wasm in Hono!");
    expect(await response.json()).toEqual({ hello: "world" });
  });

  it("passes request bodies through to the handler", async () => {
    const response = await app.request("http://example.test/api/echo", { method: "POST", body: "ping" });
    expect(await response.text()).toBe("ping");
    expect(response.headers.get("x-greeting")).toBe("Hello from Proxy-Wasm in Hono!");
  });

  it("leaves paths outside /api/* untouched", async () => {
    const response = await app.request("http://example.test/");
    expect(await response.text()).toBe("home: no filters here\n");
    expect(response.headers.get("x-greeting")).toBeNull();
  });
});
