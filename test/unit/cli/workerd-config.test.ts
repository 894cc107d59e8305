import { describe, expect, it } from "vitest";
import { renderWorkerdConfig } from "../../../cli/workerd-config.ts";
import { renderWranglerToml } from "../../../cli/entry-source.ts";

const modules = [{ name: "entry.js", kind: "esModule" as const, embed: "entry.js" }];

describe("the generated workerd config", () => {
  it("runs one worker per isolate, each on its socket, all bound to the state namespace the first hosts on disk", () => {
    const capnp = renderWorkerdConfig({ modules, compatibilityDate: "2026-04-20", addresses: ["127.0.0.1:8787", "127.0.0.1:8788"], stateDir: "/srv/out/state" });
    expect(capnp).toContain('(name = "http-0", address = "127.0.0.1:8787", http = (), service = "gateway-0")');
    expect(capnp).toContain('(name = "http-1", address = "127.0.0.1:8788", http = (), service = "gateway-1")');
    expect(capnp).toContain('(name = "state-storage", disk = (path = "/srv/out/state", writable = true))');
    expect(capnp).toContain('durableObjectNamespace = (className = "ProxyWasmState", serviceName = "gateway-0")');
    expect(capnp.match(/durableObjectNamespaces = /g)).toHaveLength(1);
  });

  it("gives every isolate the gateway settings as text bindings", () => {
    const capnp = renderWorkerdConfig({ modules, compatibilityDate: "2026-04-20", addresses: ["127.0.0.1:0", "127.0.0.1:0"], stateDir: null, vars: { PROXY_WASM_STATE_CACHE_MS: "0" } });
    expect(capnp.match(/\(name = "PROXY_WASM_STATE_CACHE_MS", text = "0"\)/g)).toHaveLength(2);
  });

  it("tells each isolate the port it listens on (X-Forwarded-Port), and none when the port is left to workerd", () => {
    const capnp = renderWorkerdConfig({ modules, compatibilityDate: "2026-04-20", addresses: ["127.0.0.1:8787", "[::1]:8788"], stateDir: null });
    const [first, second] = capnp.split("const gateway1");
    expect(first).toContain('(name = "PROXY_WASM_LISTEN_PORT", text = "8787")');
    expect(second).toContain('(name = "PROXY_WASM_LISTEN_PORT", text = "8788")');
    const any = renderWorkerdConfig({ modules, compatibilityDate: "2026-04-20", addresses: ["127.0.0.1:0"], stateDir: null });
    expect(any).not.toContain("PROXY_WASM_LISTEN_PORT");
  });
});

describe("the generated wrangler.toml", () => {
  it("binds the state Durable Object and declares its SQLite migration", () => {
    const toml = renderWranglerToml("gw", "2026-04-20");
    expect(toml).toContain('[[durable_objects.bindings]]\nname = "PROXY_WASM_STATE"\nclass_name = "ProxyWasmState"');
    expect(toml).toContain('new_sqlite_classes = ["ProxyWasmState"]');
  });
});
