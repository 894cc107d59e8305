/**
 * Runs the probe guest on the real ABI layer with a recording host, and calls host calls from
 * inside a stream or root context the way a filter would.
 * @module
 */
import type { CalloutHost } from "../../../../abi/callout-api.ts";
import type { Context } from "../../../../abi/context.ts";
import { HttpExchange } from "../../../../abi/exchange.ts";
import { HeaderMap } from "../../../../abi/header-map.ts";
import type { HostServices, PropertySource, PropertyValue, VmHost } from "../../../../abi/host-api.ts";
import { encodeUtf8 } from "../../../../abi/memory.ts";
import { Plugin } from "../../../../abi/plugin.ts";
import type { HttpStream } from "../../../../abi/stream.ts";
import { LogLevel, type AbiVersion } from "../../../../abi/types.ts";
import { Vm } from "../../../../abi/vm.ts";
import { probeModule, type ProbeOptions } from "./probe.ts";

export interface LogLine {
  filter: string;
  level: LogLevel;
  message: string;
}

/** A VmHost that records log lines and has fixed clocks. */
export function recordingHost(logs: LogLine[] = []): VmHost & { logs: LogLine[] } {
  return {
    logs,
    log: (filter, level, message) => void logs.push({ filter, level, message }),
    logLevel: () => LogLevel.Trace,
    now: () => 1_700_000_000_123_456_789n,
    monotonic: () => 42n,
    random: (bytes) => bytes.fill(7),
  };
}

/** Properties from a plain object keyed by dotted path. */
export function staticProperties(values: Record<string, PropertyValue> = {}): PropertySource {
  return { get: (path) => values[path.join(".")], set: () => undefined };
}

const ABI_SUFFIX: Record<AbiVersion, ProbeOptions["abi"]> = { "0.1.0": "0_1_0", "0.2.0": "0_2_0", "0.2.1": "0_2_1" };

export interface Probe {
  vm: Vm;
  plugin: Plugin;
  host: ReturnType<typeof recordingHost>;
  /** Calls `probe_<hostCall>` with `args` while `context` is current; returns the status. */
  call(context: Context, hostCall: string, ...args: (number | bigint)[]): number;
  /** A stream of the plugin on a new exchange whose request headers are `headers`. */
  stream(headers?: [string, string][], properties?: PropertySource): HttpStream;
  /** Writes bytes into guest scratch memory at `address`, returning [address, length]. */
  put(address: number, value: string | Uint8Array): [number, number];
  /** Reads the (ptr, len) pair the host wrote at `slot` and `slot + 4`, and the bytes it points to. */
  returned(slot: number): Uint8Array;
  u32(address: number): number;
  u64(address: number): bigint;
}

export interface StartOptions extends ProbeOptions {
  abiVersion?: AbiVersion;
  config?: string;
  vmConfig?: string;
  rootId?: string;
  env?: Record<string, string>;
  /** The filter name (default "probe"). */
  filter?: string;
  /** The VM id shared data and queues are scoped by (default "probe"). */
  vmId?: string;
  /** The host's services (shared data, queues, metrics, …); default: the isolate-local ones. */
  services?: HostServices;
  /** The host's log level per filter (default: trace for every filter). */
  logLevel?: (filter: string) => LogLevel;
  /** Who sends the VM's HTTP callouts (default: none, so proxy_http_call answers BadArgument). */
  callouts?: CalloutHost;
}

export async function startProbe(options: StartOptions = {}): Promise<Probe> {
  const abi = options.abiVersion ?? "0.2.1";
  const module = await probeModule({ ...options, abi: ABI_SUFFIX[abi] });
  const host = recordingHost();
  if (options.services) host.services = options.services;
  if (options.logLevel) host.logLevel = options.logLevel;
  const filter = options.filter ?? "probe";
  const vm = Vm.create(module, { filter, vmId: options.vmId ?? "probe", abi, env: options.env ?? {}, host, callouts: options.callouts });
  const plugin = Plugin.start(vm, {
    name: filter,
    rootId: options.rootId ?? "",
    configuration: encodeUtf8(options.config ?? ""),
    vmConfiguration: encodeUtf8(options.vmConfig ?? ""),
  });
  const memory = () => new DataView(vm.exports.memory.buffer);
  return {
    vm,
    plugin,
    host,
    call(context, hostCall, ...args) {
      const instanceExport = vm.instance.exports[`probe_${hostCall}`];
      if (instanceExport === undefined) throw new Error(`probe has no ${hostCall}`);
      return vm.call(context, hostCall, instanceExport as (...a: number[]) => number, args as number[]);
    },
    stream(headers = [], properties = staticProperties()) {
      return plugin.createStream(new HttpExchange(new HeaderMap(headers), properties));
    },
    put(address, value) {
      const bytes = typeof value === "string" ? encodeUtf8(value) : value;
      new Uint8Array(vm.exports.memory.buffer, address, bytes.length).set(bytes);
      return [address, bytes.length];
    },
    returned(slot) {
      const ptr = memory().getUint32(slot, true);
      const len = memory().getUint32(slot + 4, true);
      return new Uint8Array(vm.exports.memory.buffer, ptr, len).slice();
    },
    u32: (address) => memory().getUint32(address, true),
    u64: (address) => memory().getBigUint64(address, true),
  };
}
