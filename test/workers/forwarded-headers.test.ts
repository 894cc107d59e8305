import { describe, expect, it } from "vitest";
import { gatewayFor } from "./support/gateway.ts";

const CONFIG = `
_format_version: "3.0"
services:
  - name: echo
    url: $UPSTREAM
    routes:
      - name: plain
        paths: ["/plain"]
      - name: filtered
        paths: ["/filtered"]
        filter_chains: [{ filters: [{ name: greeting, config: '{"my_greeting": "hi"}' }] }]
`;

interface Echo {
  headers: Record<string, string>;
}

const echoed = async (response: Response) => ((await response.json()) as Echo).headers;

describe("the headers the upstream gets about the client", () => {
  for (const route of ["/plain", "/filtered"]) {
    it(`on Cloudflare name the CF-Connecting-IP client after earlier proxies (${route})`, async () => {
      const gateway = gatewayFor(CONFIG);
      const headers = await echoed(
        await gateway.fetch(`${route}/x`, { host: "api.example.com", headers: { "cf-connecting-ip": "203.0.113.9", "x-forwarded-for": "198.51.100.1" } }),
      );
      expect(headers["x-forwarded-for"]).toBe("198.51.100.1, 203.0.113.9");
      expect(headers["x-real-ip"]).toBe("203.0.113.9");
      expect(headers).toMatchObject({ "x-forwarded-proto": "http", "x-forwarded-host": "api.example.com", "x-forwarded-port": "80", "x-forwarded-path": `${route}/x`, "x-forwarded-prefix": route });
    });

    it(`under serve name the connection's peer, which a forged CF-Connecting-IP cannot change (${route})`, async () => {
      const gateway = gatewayFor(CONFIG, { PROXY_WASM_CLIENT_ADDRESS: "connection" });
      const response = await gateway.fetch(`${route}/x`, { headers: { "cf-connecting-ip": "203.0.113.9" }, cf: { clientIp: "[2001:db8::7]:50123" } } as RequestInit);
      const headers = await echoed(response);
      expect(headers["x-forwarded-for"]).toBe("2001:db8::7");
      expect(headers["x-real-ip"]).toBe("2001:db8::7");
      const v4 = await echoed(await gateway.fetch(`${route}/x`, { cf: { clientIp: "127.0.0.1:50124" } } as RequestInit));
      expect(v4["x-forwarded-for"]).toBe("127.0.0.1");
    });

    it(`give the port the isolate listens on, not the Host header's, when serve says which (${route})`, async () => {
      const told = await echoed(await gatewayFor(CONFIG, { PROXY_WASM_LISTEN_PORT: "8787" }).fetch(`${route}/x`, { host: "api.example.com:9999" }));
      expect(told["x-forwarded-port"]).toBe("8787");
      const untold = await echoed(await gatewayFor(CONFIG).fetch(`${route}/x`, { host: "api.example.com:9999" }));
      expect(untold["x-forwarded-port"]).toBe("9999");
    });
  }

  it("puts the client's address in the access log", async () => {
    const gateway = gatewayFor(CONFIG, { PROXY_WASM_ACCESS_LOG: "client_ip", PROXY_WASM_CLIENT_ADDRESS: "connection" });
    await gateway.fetch("/plain", { cf: { clientIp: "127.0.0.1:50125" } } as RequestInit);
    expect(gateway.logs.filter((line) => line.startsWith("{"))).toEqual(['{"client_ip":"127.0.0.1"}']);
  });
});
