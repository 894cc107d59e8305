/**
 * Builds a gateway worker inside workerd from a kong.yml text and the built filters, pointed at
 * the echo upstream on 127.0.0.1, and sends requests through it.
 * @module
 */
import { createExecutionContext, createScheduledController, SELF, waitOnExecutionContext } from "cloudflare:test";
import { inject } from "vitest";
import { loadDeclarativeConfig } from "../../../config/load.ts";
import type { FilterCatalog } from "../../../config/model.ts";
import type { GatewayBundle } from "../../../worker/bundle.ts";
import { createWorker } from "../../../worker/index.ts";
import { bufferSwitch, modules } from "./modules.ts";
import { serveThroughSelf } from "./self.ts";

export const catalog: FilterCatalog = new Map(Object.keys(modules).map((name) => [name, { name }]));

/** The echo upstream's URL, for `url:` in test configs. */
export function upstreamUrl(): string {
  return `http://127.0.0.1:${inject("upstreamPort")}`;
}

export interface TestGateway {
  /** Runs the worker's cron entry once. */
  scheduled(): Promise<void>;
  fetch(path: string, init?: RequestInit & { host?: string }): Promise<Response>;
  /** Like fetch, but answers as soon as the response's headers are there (its body still streams). */
  fetchHeaders(path: string, init?: RequestInit): Promise<Response>;
  /**
   * Sends the request through `SELF` (support/self.ts): a request with an I/O context of its own,
   * which workerd cancels when `init.signal` aborts, as Cloudflare does when a client disconnects.
   * `withoutSignal`: the gateway gets the request without its `signal` (as without the
   * compatibility flag `enable_request_signal`), so it cannot see the cancellation.
   * `keepAliveMs`: the request also waits that long with `waitUntil` (as other work of a worker
   * may), which keeps its I/O context, so its code goes on after a cancellation (workerd and
   * Cloudflare tear a cancelled request's context down only once its `waitUntil`s are done).
   */
  fetchThroughSelf(path: string, init?: RequestInit & { withoutSignal?: boolean; keepAliveMs?: number }): Promise<Response>;
  /** Console lines the filters and the gateway wrote. */
  logs: string[];
}

/** What the generated entry calls: `createWorker`, or `createGatewayOnlyWorker` without the admin API. */
export type WorkerFactory = (bundle: GatewayBundle) => ExportedHandler<any>;

/**
 * A gateway for `yaml` (`$UPSTREAM` is replaced by the echo upstream's URL, `$UPSTREAM_HOST` by
 * its `127.0.0.1:port`), with `bindings` as its env.
 */
export function gatewayFor(yaml: string, bindings: Record<string, unknown> = {}, factory: WorkerFactory = createWorker): TestGateway {
  const text = yaml.replaceAll("$UPSTREAM_HOST", upstreamUrl().slice("http://".length)).replaceAll("$UPSTREAM", upstreamUrl());
  const config = loadDeclarativeConfig(text, {
    fileName: "kong.yml",
    filters: catalog,
    filtersDir: "build/filters",
  });
  const worker = factory({ config, modules, bufferSwitch });
  const logs: string[] = [];
  return {
    logs,
    async scheduled() {
      const ctx = createExecutionContext();
      await worker.scheduled!(createScheduledController(), bindings as never, ctx);
      await waitOnExecutionContext(ctx);
    },
    async fetch(path, init = {}) {
      const { host = "gateway.test", ...rest } = init;
      const ctx = createExecutionContext();
      captureConsole(logs);
      const response = await worker.fetch!(new Request(`http://${host}${path}`, rest) as any, bindings, ctx);
      const text = await response.clone().arrayBuffer();
      await waitOnExecutionContext(ctx);
      void text;
      return response;
    },
    fetchThroughSelf(path, init = {}) {
      const { withoutSignal = false, keepAliveMs = 0, ...rest } = init;
      captureConsole(logs);
      serveThroughSelf((request, _env, ctx) => {
        if (keepAliveMs > 0) ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, keepAliveMs)));
        const seen = withoutSignal ? new Request(request.url, { method: request.method, headers: request.headers, body: request.body }) : request;
        return worker.fetch!(seen as any, bindings, ctx);
      });
      return SELF.fetch(`http://gateway.test${path}`, rest);
    },
    async fetchHeaders(path, init = {}) {
      const ctx = createExecutionContext();
      captureConsole(logs);
      const response = await worker.fetch!(new Request(`http://gateway.test${path}`, init) as any, bindings, ctx);
      void waitOnExecutionContext(ctx);
      return response;
    },
  };
}

/** The log arrays of every gateway made so far: lines written after a request returned (teardown) count too. */
const sinks = new Set<string[]>();
let capturing = false;
let forwarding = true;

/**
 * Whether captured lines also reach the real console (vitest's, which prints a failing test's
 * logs). Off for requests that workerd cancels: vitest-pool-workers 0.15.1 forwards a console
 * line over the test's own connection, and one written from a request's abort handler, as its
 * I/O context goes, left the run unable to end (the file passed, vitest never exited).
 */
export function forwardConsole(on: boolean): void {
  forwarding = on;
}

/**
 * Sends console lines to `logs` as well, from now on. One wrapper serves every gateway, so
 * concurrent requests cannot leave the console wrapped by another one's capture.
 */
function captureConsole(logs: string[]): void {
  sinks.add(logs);
  if (capturing) return;
  capturing = true;
  const original = { log: console.log, warn: console.warn, error: console.error };
  for (const level of ["log", "warn", "error"] as const) {
    console[level] = (...args: unknown[]) => {
      const line = args.map(String).join(" ");
      for (const sink of sinks) sink.push(line);
      if (forwarding) original[level](...args);
    };
  }
}
