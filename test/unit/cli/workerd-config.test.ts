import { describe, expect, it } from "vitest";
import { renderWorkerdConfig } from "../../../cli/workerd-config-text.ts";
import { workerdConfigObject, type ServiceObject, type WorkerdConfig, type WorkerObject } from "../../../cli/workerd-config.ts";
import { renderWranglerToml } from "../../../cli/entry-source.ts";

const modules = [
  { name: "entry.js", kind: "esModule" as const, embed: "dist/entry.js" },
  { name: "0123abcd-greeting.wasm", kind: "wasm" as const, embed: "dist/0123abcd-greeting.wasm" },
];
const twoIsolates: WorkerdConfig = { modules, compatibilityDate: "2026-04-20", addresses: ["127.0.0.1:8787", "127.0.0.1:8788"], stateDir: "/srv/out/state" };

/** The config object with each module given by its name (contents do not matter here). */
const configObject = (config: WorkerdConfig) => workerdConfigObject(config, (module) => ({ name: module.name, [module.kind]: module.name }));

function service(config: WorkerdConfig, name: string): ServiceObject<unknown> {
  const found = configObject(config).services.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`no service ${name}`);
  return found;
}

function worker(config: WorkerdConfig, name: string): WorkerObject<unknown> {
  const found = service(config, name);
  if (!("worker" in found)) throw new Error(`${name} is not a worker`);
  return found.worker;
}

const bindingNames = (config: WorkerdConfig, name: string) => worker(config, name).bindings.map((binding) => binding.name);

describe("the workerd config", () => {
  it("runs one worker per isolate, each on its own socket, with every module of the bundle, main first", () => {
    const object = configObject(twoIsolates);
    expect(object.sockets).toEqual([
      { name: "http-0", address: "127.0.0.1:8787", http: {}, service: { name: "gateway-0" } },
      { name: "http-1", address: "127.0.0.1:8788", http: {}, service: { name: "gateway-1" } },
    ]);
    for (const name of ["gateway-0", "gateway-1"]) {
      expect(worker(twoIsolates, name).modules).toEqual([
        { name: "entry.js", esModule: "entry.js" },
        { name: "0123abcd-greeting.wasm", wasm: "0123abcd-greeting.wasm" },
      ]);
      expect(worker(twoIsolates, name).compatibilityDate).toBe("2026-04-20");
    }
  });

  it("turns on enable_request_signal, without which a cancelled request's streams never end", () => {
    expect(worker(twoIsolates, "gateway-0").compatibilityFlags).toEqual(["enable_request_signal"]);
    expect(renderWorkerdConfig(twoIsolates)).toContain('compatibilityFlags = ["enable_request_signal"]');
    expect(renderWranglerToml("gw", "2026-04-20")).toContain('compatibility_flags = ["enable_request_signal"]');
  });

  it("lets workers reach public, private and local addresses (upstreams are often on 127.0.0.1)", () => {
    expect(worker(twoIsolates, "gateway-1").globalOutbound).toEqual({ name: "internet" });
    expect(service(twoIsolates, "internet")).toEqual({ name: "internet", network: { allow: ["public", "private", "local"] } });
  });

  it("has the first isolate host the state objects on disk, and the others reach them through it", () => {
    expect(service(twoIsolates, "state-storage")).toEqual({ name: "state-storage", disk: { path: "/srv/out/state", writable: true } });
    const host = worker(twoIsolates, "gateway-0");
    expect(host.durableObjectNamespaces).toEqual([{ className: "ProxyWasmState", uniqueKey: "proxy-wasm-workers-state", enableSql: true }]);
    expect(host.durableObjectStorage).toEqual({ localDisk: "state-storage" });
    expect(host.bindings).toContainEqual({ name: "PROXY_WASM_STATE", durableObjectNamespace: { className: "ProxyWasmState" } });
    expect(host.bindings).toContainEqual({ name: "PROXY_WASM_GATEWAY", service: { name: "gateway-0" } });
    const other = worker(twoIsolates, "gateway-1");
    expect(other.durableObjectNamespaces).toBeUndefined();
    expect(other.bindings).toContainEqual({ name: "PROXY_WASM_STATE", durableObjectNamespace: { className: "ProxyWasmState", serviceName: "gateway-0" } });
    expect(other.bindings.map((binding) => binding.name)).not.toContain("PROXY_WASM_GATEWAY");
  });

  it("wires no state for a worker that is not the gateway", () => {
    const plain: WorkerdConfig = { ...twoIsolates, stateDir: null };
    expect(configObject(plain).services.map((candidate) => candidate.name)).toEqual(["gateway-0", "gateway-1", "internet"]);
    expect(worker(plain, "gateway-0").durableObjectNamespaces).toBeUndefined();
    expect(bindingNames(plain, "gateway-0")).toEqual(["PROXY_WASM_LISTEN_PORT"]);
  });

  it("gives every isolate the gateway settings as text bindings", () => {
    const config: WorkerdConfig = { ...twoIsolates, vars: { PROXY_WASM_STATE_CACHE_MS: "0", PROXY_WASM_ACCESS_LOG: "on" } };
    for (const name of ["gateway-0", "gateway-1"]) {
      expect(worker(config, name).bindings).toContainEqual({ name: "PROXY_WASM_STATE_CACHE_MS", text: "0" });
      expect(worker(config, name).bindings).toContainEqual({ name: "PROXY_WASM_ACCESS_LOG", text: "on" });
    }
  });

  it("tells each isolate the port it listens on (X-Forwarded-Port), and none when the port is left to workerd", () => {
    const config: WorkerdConfig = { ...twoIsolates, addresses: ["127.0.0.1:8787", "[::1]:8788"] };
    expect(worker(config, "gateway-0").bindings).toContainEqual({ name: "PROXY_WASM_LISTEN_PORT", text: "8787" });
    expect(worker(config, "gateway-1").bindings).toContainEqual({ name: "PROXY_WASM_LISTEN_PORT", text: "8788" });
    expect(bindingNames({ ...twoIsolates, addresses: ["127.0.0.1:0"] }, "gateway-0")).not.toContain("PROXY_WASM_LISTEN_PORT");
  });

  it("connects each preserve_host upstream through its own outbound service, bound to every isolate", () => {
    const config: WorkerdConfig = {
      ...twoIsolates,
      upstreams: [
        { binding: "PRESERVE_HOST_A", address: "127.0.0.1:9001" },
        { binding: "PRESERVE_HOST_B", address: "[::1]:9002" },
      ],
    };
    expect(service(config, "upstream-0")).toEqual({ name: "upstream-0", external: { address: "127.0.0.1:9001", http: {} } });
    expect(service(config, "upstream-1")).toEqual({ name: "upstream-1", external: { address: "[::1]:9002", http: {} } });
    for (const name of ["gateway-0", "gateway-1"]) {
      expect(worker(config, name).bindings).toContainEqual({ name: "PRESERVE_HOST_A", service: { name: "upstream-0" } });
      expect(worker(config, name).bindings).toContainEqual({ name: "PRESERVE_HOST_B", service: { name: "upstream-1" } });
    }
  });
});

describe("the workerd config as capnp text", () => {
  const config: WorkerdConfig = { ...twoIsolates, upstreams: [{ binding: "PRESERVE_HOST_A", address: "127.0.0.1:9001" }], vars: { PROXY_WASM_ACCESS_LOG: "on" } };
  const capnp = renderWorkerdConfig(config);

  it("is one Workerd.Config constant, whose modules workerd reads from the bundle's files", () => {
    expect(capnp.match(/^const /gm)).toEqual(["const "]);
    expect(capnp).toContain("const config :Workerd.Config = (");
    expect(capnp.match(/\(name = "entry\.js", esModule = embed "dist\/entry\.js"\)/g)).toHaveLength(2);
    expect(capnp.match(/\(name = "0123abcd-greeting\.wasm", wasm = embed "dist\/0123abcd-greeting\.wasm"\)/g)).toHaveLength(2);
  });

  it("describes the same services, sockets and bindings as the binary form", () => {
    const object = configObject(config);
    for (const each of object.services) expect(capnp).toContain(`name = "${each.name}"`);
    for (const socket of object.sockets) expect(capnp).toContain(`(name = "${socket.name}", address = "${socket.address}", http = (), service = (name = "${socket.service.name}"))`);
    expect(capnp).toContain('(name = "state-storage", disk = (path = "/srv/out/state", writable = true))');
    expect(capnp).toContain('(name = "upstream-0", external = (address = "127.0.0.1:9001", http = ()))');
    expect(capnp).toContain('(name = "PROXY_WASM_STATE", durableObjectNamespace = (className = "ProxyWasmState", serviceName = "gateway-0"))');
    expect(capnp.match(/durableObjectNamespaces = /g)).toHaveLength(1);
    expect(capnp.match(/\(name = "PROXY_WASM_ACCESS_LOG", text = "on"\)/g)).toHaveLength(2);
    expect(capnp).toContain('(name = "PROXY_WASM_LISTEN_PORT", text = "8788")');
  });

  it("escapes strings as capnp reads them", () => {
    const odd = renderWorkerdConfig({ ...config, vars: { GREETING: 'say "hi"\n\\' } });
    expect(odd).toContain('(name = "GREETING", text = "say \\"hi\\"\\n\\\\")');
  });
});

describe("the generated wrangler.toml", () => {
  it("binds the state Durable Object and declares its SQLite migration", () => {
    const toml = renderWranglerToml("gw", "2026-04-20");
    expect(toml).toContain('[[durable_objects.bindings]]\nname = "PROXY_WASM_STATE"\nclass_name = "ProxyWasmState"');
    expect(toml).toContain('new_sqlite_classes = ["ProxyWasmState"]');
  });

  it("bundles without esbuild's keepNames, which names every closure the gateway makes at run time", () => {
    expect(renderWranglerToml("gw", "2026-04-20", false)).toMatch(/^keep_names = false$/m);
  });
});
