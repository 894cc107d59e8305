/**
 * Gateway settings an operator can change through bindings (wrangler `[vars]`, workerd bindings).
 * @module
 */
import { DEFAULT_FUEL_BUDGET } from "../abi/fuel.ts";
import type { LogLevel } from "../abi/types.ts";
import { accessLogFields, type AccessLogField } from "./access-log.ts";
import { clientAddressSource, type ClientAddressSource } from "./client-address.ts";
import { parseLogLevel } from "./console-host.ts";
import { ISOLATE_MEMORY_BUDGET } from "./isolate-memory.ts";
import { serverTimingOn } from "./server-timing.ts";

export interface GatewayOptions {
  /** How long a paused stream may wait for a continue before the request fails (504). */
  pauseTimeoutMs: number;
  /** The most a paused filter may buffer of a body: over it, 413 (request) or 502 (response). */
  bodyBufferLimit: number;
  /** The longest a callout may take. */
  calloutTimeoutMs: number;
  /** Linear memory per VM past which it is retired and rebuilt (Workers isolates have 128 MB). */
  vmMemoryLimit: number;
  /** Linear memory of all VMs of the isolate past which idle VMs are retired, least recently used first. */
  isolateMemoryBudget: number;
  /** Fuel per callback of a metered filter, unless its entry or meta.json sets one. */
  fuelBudget: number;
  logLevel: LogLevel;
  /** The access log's fields, or null when it is off (`PROXY_WASM_ACCESS_LOG`). */
  accessLog: AccessLogField[] | null;
  /** Whether responses carry `Server-Timing` with each filter's time (`PROXY_WASM_SERVER_TIMING`). */
  serverTiming: boolean;
  /** Where the client's address comes from (`PROXY_WASM_CLIENT_ADDRESS`; `serve` sets `connection`). */
  clientAddress: ClientAddressSource;
  /** The port this isolate listens on, which `serve` passes (`PROXY_WASM_LISTEN_PORT`); null elsewhere. */
  listenPort: string | null;
  /** The longest one global state call may take before the guest hears it failed. */
  stateTimeoutMs: number;
  /** Durable Objects per VM id that global shared data and queues are spread over. */
  stateShards: number;
  /** How old a global shared-data read answered from the isolate's cache may be (0: no cache). */
  stateCacheMs: number;
  /** The service binding of that name (see preserveHostBinding), or null. */
  upstreamBinding: (name: string) => Fetcher | null;
  /** The bundle's buffer switch (abi/buffer-switch-module.ts), or null: bodies are then read before filters see them. */
  bufferSwitch: WebAssembly.Module | null;
}

/** The bindings that set GatewayOptions; each is optional. */
export interface GatewayOptionBindings {
  PROXY_WASM_LOG_LEVEL?: string;
  PROXY_WASM_PAUSE_TIMEOUT_MS?: string;
  PROXY_WASM_BODY_BUFFER_LIMIT?: string;
  PROXY_WASM_CALLOUT_TIMEOUT_MS?: string;
  PROXY_WASM_VM_MEMORY_LIMIT?: string;
  PROXY_WASM_ISOLATE_MEMORY_BUDGET?: string;
  PROXY_WASM_FUEL_BUDGET?: string;
  PROXY_WASM_STATE_TIMEOUT_MS?: string;
  PROXY_WASM_ACCESS_LOG?: string;
  PROXY_WASM_SERVER_TIMING?: string;
  PROXY_WASM_LISTEN_PORT?: string;
  PROXY_WASM_CLIENT_ADDRESS?: string;
  PROXY_WASM_STATE_SHARDS?: string;
  PROXY_WASM_STATE_CACHE_MS?: string;
}

export const DEFAULT_OPTIONS: GatewayOptions = {
  pauseTimeoutMs: 60_000,
  bodyBufferLimit: 8 * 1024 * 1024,
  calloutTimeoutMs: 60_000,
  vmMemoryLimit: 64 * 1024 * 1024,
  isolateMemoryBudget: ISOLATE_MEMORY_BUDGET,
  fuelBudget: Number(DEFAULT_FUEL_BUDGET),
  logLevel: parseLogLevel(undefined),
  accessLog: accessLogFields(undefined),
  serverTiming: false,
  listenPort: null,
  clientAddress: "cf-connecting-ip",
  stateTimeoutMs: 1000,
  stateShards: 16,
  stateCacheMs: 1000,
  upstreamBinding: () => null,
  bufferSwitch: null,
};

function nonNegative(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && Number.isFinite(parsed) && parsed >= 0 ? parsed : fallback;
}

function positive(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && Number.isFinite(parsed) && parsed > 0 ? parsed : fallback;
}

function portNumber(value: string | undefined): string | null {
  return value !== undefined && /^\d{1,5}$/.test(value) ? value : null;
}

export function optionsFromBindings(env: GatewayOptionBindings | undefined): GatewayOptions {
  return {
    pauseTimeoutMs: positive(env?.PROXY_WASM_PAUSE_TIMEOUT_MS, DEFAULT_OPTIONS.pauseTimeoutMs),
    bodyBufferLimit: positive(env?.PROXY_WASM_BODY_BUFFER_LIMIT, DEFAULT_OPTIONS.bodyBufferLimit),
    calloutTimeoutMs: positive(env?.PROXY_WASM_CALLOUT_TIMEOUT_MS, DEFAULT_OPTIONS.calloutTimeoutMs),
    vmMemoryLimit: positive(env?.PROXY_WASM_VM_MEMORY_LIMIT, DEFAULT_OPTIONS.vmMemoryLimit),
    isolateMemoryBudget: positive(env?.PROXY_WASM_ISOLATE_MEMORY_BUDGET, DEFAULT_OPTIONS.isolateMemoryBudget),
    fuelBudget: positive(env?.PROXY_WASM_FUEL_BUDGET, DEFAULT_OPTIONS.fuelBudget),
    logLevel: parseLogLevel(env?.PROXY_WASM_LOG_LEVEL),
    accessLog: accessLogFields(env?.PROXY_WASM_ACCESS_LOG),
    serverTiming: serverTimingOn(env?.PROXY_WASM_SERVER_TIMING),
    listenPort: portNumber(env?.PROXY_WASM_LISTEN_PORT),
    clientAddress: clientAddressSource(env?.PROXY_WASM_CLIENT_ADDRESS),
    stateTimeoutMs: positive(env?.PROXY_WASM_STATE_TIMEOUT_MS, DEFAULT_OPTIONS.stateTimeoutMs),
    stateShards: Math.floor(positive(env?.PROXY_WASM_STATE_SHARDS, DEFAULT_OPTIONS.stateShards)),
    stateCacheMs: nonNegative(env?.PROXY_WASM_STATE_CACHE_MS, DEFAULT_OPTIONS.stateCacheMs),
    upstreamBinding: (name) => {
      const binding = (env as Record<string, unknown> | undefined)?.[name] as Fetcher | undefined;
      return typeof binding?.fetch === "function" ? binding : null;
    },
    bufferSwitch: null,
  };
}
