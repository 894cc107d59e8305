/**
 * The workerd config that runs a wrangler-bundled gateway on plain `workerd serve`: one worker
 * (one isolate) per listening socket, all bound to the one Durable Object namespace of global
 * state, which the first worker hosts and keeps on disk. This file says what the config holds,
 * as an object with workerd's `Config` field names; workerd-config-text.ts writes it as capnp
 * text and workerd-config-files.ts as the binary message `serve` starts from.
 * @module
 */
import type { GatewayConfig } from "../config/model.ts";
import { preserveHostBinding } from "../worker/service-origin.ts";
import { GATEWAY_BINDING, STATE_BINDING, STATE_CLASS } from "../worker/state/binding.ts";

/**
 * The compatibility flags of every generated worker: with `enable_request_signal` a request's
 * `signal` fires `abort` when its client goes away, and the gateway ends the filters' streams
 * then (worker/proxy.ts); without it they would never get their teardown.
 */
export const COMPATIBILITY_FLAGS: readonly string[] = ["enable_request_signal"];

/** One module of the bundled worker, named exactly as the bundle imports it. */
export interface WorkerModule {
  name: string;
  kind: "esModule" | "wasm";
  /** Path of the file, relative to the folder of the config files (workerd resolves `embed` from there). */
  embed: string;
}

/** What the generated config describes. */
export interface WorkerdConfig {
  /** The modules; the first is the worker's main module. */
  modules: readonly WorkerModule[];
  compatibilityDate: string;
  /** Listen addresses, `ip:port` (port 0 = any free port): one isolate of the gateway each. */
  addresses: readonly string[];
  /**
   * Absolute path of the folder where global state's Durable Objects keep their storage; null for
   * a worker that is not the gateway (benchmark baselines), which then gets no state wiring.
   */
  stateDir: string | null;
  /**
   * Outbound services for `preserve_host`: each connects to `address` (`host:port`) and is
   * bound to every isolate as `binding`, so a request through it can name the client's host.
   */
  upstreams?: readonly { binding: string; address: string }[];
  /** Text bindings of every isolate (gateway settings such as `PROXY_WASM_STATE_CACHE_MS`). */
  vars?: Readonly<Record<string, string>>;
}

/** A reference to another service of the config. */
export interface ServiceReference {
  name: string;
}

export type WorkerBinding = { name: string } & (
  | { text: string }
  | { service: ServiceReference }
  | { durableObjectNamespace: { className: string; serviceName?: string } }
);

/** A worker whose modules are `Module`: their contents, or where to read them from. */
export interface WorkerObject<Module> {
  modules: Module[];
  compatibilityDate: string;
  compatibilityFlags: string[];
  globalOutbound: ServiceReference;
  bindings: WorkerBinding[];
  durableObjectNamespaces?: { className: string; uniqueKey: string; enableSql: boolean }[];
  durableObjectStorage?: { localDisk: string };
}

export type ServiceObject<Module> = { name: string } & (
  | { worker: WorkerObject<Module> }
  | { network: { allow: string[] } }
  | { disk: { path: string; writable: boolean } }
  | { external: { address: string; http: Record<string, never> } }
);

export interface SocketObject {
  name: string;
  address: string;
  http: Record<string, never>;
  service: ServiceReference;
}

/** workerd's `Config`, as far as the gateway uses it. */
export interface WorkerdConfigObject<Module> {
  services: ServiceObject<Module>[];
  sockets: SocketObject[];
}

/** The socket and the worker of isolate `index`. */
export const socketName = (index: number) => `http-${index}`;
export const workerName = (index: number) => `gateway-${index}`;

const INTERNET = "internet";
const STATE_STORAGE = "state-storage";
const upstreamName = (index: number) => `upstream-${index}`;

/**
 * The config as an object, each module given by `module` (its contents for the binary form, a
 * file reference for the text form). The outbound network allows private and local addresses
 * too: workerd's default allows only public ones, and upstreams are often on 127.0.0.1.
 */
export function workerdConfigObject<Module>(config: WorkerdConfig, module: (module: WorkerModule) => Module): WorkerdConfigObject<Module> {
  const modules = config.modules.map(module);
  const upstreams = config.upstreams ?? [];
  const shared: WorkerBinding[] = [
    ...upstreams.map((upstream, index) => ({ name: upstream.binding, service: { name: upstreamName(index) } })),
    ...Object.entries(config.vars ?? {}).map(([name, text]) => ({ name, text })),
  ];
  const workers = config.addresses.map(
    (address, index): ServiceObject<Module> => ({
      name: workerName(index),
      worker: {
        modules,
        compatibilityDate: config.compatibilityDate,
        compatibilityFlags: [...COMPATIBILITY_FLAGS],
        globalOutbound: { name: INTERNET },
        bindings: [...(config.stateDir === null ? [] : stateBindings(index)), ...shared, ...listenPortBinding(address)],
        ...(config.stateDir !== null && index === 0 ? stateHost() : {}),
      },
    }),
  );
  return {
    services: [
      ...workers,
      { name: INTERNET, network: { allow: ["public", "private", "local"] } },
      ...(config.stateDir === null ? [] : [{ name: STATE_STORAGE, disk: { path: config.stateDir, writable: true } }]),
      ...upstreams.map((upstream, index) => ({ name: upstreamName(index), external: { address: upstream.address, http: {} } })),
    ],
    sockets: config.addresses.map((address, index) => ({ name: socketName(index), address, http: {}, service: { name: workerName(index) } })),
  };
}

/** Worker 0 hosts the state objects; the others reach the same namespace through it. */
function stateBindings(index: number): WorkerBinding[] {
  if (index > 0) return [{ name: STATE_BINDING, durableObjectNamespace: { className: STATE_CLASS, serviceName: workerName(0) } }];
  // The state objects' tick alarm calls the gateway that hosts them.
  return [
    { name: STATE_BINDING, durableObjectNamespace: { className: STATE_CLASS } },
    { name: GATEWAY_BINDING, service: { name: workerName(0) } },
  ];
}

function stateHost(): Pick<WorkerObject<unknown>, "durableObjectNamespaces" | "durableObjectStorage"> {
  return {
    durableObjectNamespaces: [{ className: STATE_CLASS, uniqueKey: "proxy-wasm-workers-state", enableSql: true }],
    durableObjectStorage: { localDisk: STATE_STORAGE },
  };
}

/**
 * The `PROXY_WASM_LISTEN_PORT` binding of the isolate listening on `address`, so it can tell
 * upstreams the port the request came in on (`X-Forwarded-Port`) whatever `Host` said; none for
 * port 0, which only workerd knows once it listens.
 */
function listenPortBinding(address: string): WorkerBinding[] {
  const port = address.slice(address.lastIndexOf(":") + 1);
  return port === "0" ? [] : [{ name: "PROXY_WASM_LISTEN_PORT", text: port }];
}

/** `ip:port`, with brackets around an IPv6 address. */
export function listenAddress(ip: string, port: number): string {
  return ip.includes(":") ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/**
 * The outbound services `preserve_host` needs: one per http service address that a route with
 * `preserve_host: true` reaches. (An https upstream keeps its own host: the outbound service
 * would have to verify the certificate of a name the URL no longer carries.)
 */
export function preserveHostUpstreams(config: GatewayConfig): { binding: string; address: string }[] {
  const out = new Map<string, string>();
  for (const route of config.routes) {
    const service = route.service === null ? undefined : config.services[route.service];
    if (!route.preserveHost || service === undefined || service.protocol !== "http") continue;
    const host = service.host.includes(":") ? `[${service.host}]` : service.host;
    out.set(preserveHostBinding(service), `${host}:${service.port}`);
  }
  return [...out].map(([binding, address]) => ({ binding, address }));
}
