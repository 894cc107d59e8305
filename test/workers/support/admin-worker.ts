/**
 * A gateway worker with the admin API on, for the admin tests: the greeting filter bundled with
 * a config_schema (like a `greeting.meta.json`), the test KV namespace as config store.
 * @module
 */
import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import { validateFilterConfigSchema } from "../../../config/filter-schema.ts";
import { loadDeclarativeConfig } from "../../../config/load.ts";
import type { FilterCatalog } from "../../../config/model.ts";
import type { BundledFilter } from "../../../worker/bundle.ts";
import { createWorker, type GatewayEnv } from "../../../worker/index.ts";
import { upstreamUrl } from "./gateway.ts";
import { bufferSwitch, modules } from "./modules.ts";

export const TOKEN = "test-admin-token";

export const GREETING_SCHEMA = {
  type: "object",
  required: ["my_greeting"],
  properties: { my_greeting: { type: "string", minLength: 1 } },
  additionalProperties: false,
};

/** What the build would record for the bundled filters (only greeting has a meta file). */
export const bundledFilters: Record<string, BundledFilter> = {
  greeting: { abi: "0.2.1", size: 40622, imports: ["env.proxy_log"], meta: { config_schema: GREETING_SCHEMA } },
};

const catalog: FilterCatalog = new Map(Object.keys(modules).map((name) => [name, { name, meta: bundledFilters[name]?.meta }]));

/** `$UPSTREAM` → the echo upstream's URL. */
export function withUpstream(yaml: string): string {
  return yaml.replaceAll("$UPSTREAM", upstreamUrl());
}

/** The KV namespace of test/workers/wrangler.toml. */
export function configKv(): KVNamespace {
  return (env as unknown as { CONFIG_KV: KVNamespace }).CONFIG_KV;
}

export interface AdminTestWorker {
  fetch(path: string, init?: RequestInit & { host?: string; token?: string | null }): Promise<Response>;
  /** An admin request with the right token. */
  admin(path: string, init?: RequestInit): Promise<Response>;
  logs: string[];
}

/**
 * A worker (think: one isolate) built from `yaml` like the generated entry builds it, with
 * `bindings` on top of the admin token, the KV store and a poll interval of 0 (check every request).
 */
export function adminWorker(yaml: string, bindings: Partial<GatewayEnv> = {}): AdminTestWorker {
  const config = loadDeclarativeConfig(withUpstream(yaml), {
    fileName: "kong.yml",
    filters: catalog,
    filtersDir: "build/filters",
    validateFilterConfig: validateFilterConfigSchema,
  });
  const worker = createWorker({ config, modules, filters: bundledFilters, bufferSwitch });
  const allBindings: GatewayEnv = { ADMIN_TOKEN: TOKEN, CONFIG_KV: configKv(), CONFIG_POLL_SECONDS: "0", ...bindings };
  const logs: string[] = [];
  const fetch: AdminTestWorker["fetch"] = async (path, init = {}) => {
    const { host = "gateway.test", token, ...rest } = init;
    const headers = new Headers(rest.headers);
    if (token) headers.set("authorization", `Bearer ${token}`);
    const ctx = createExecutionContext();
    const original = console.error;
    console.error = (...args: unknown[]) => void logs.push(args.map(String).join(" "));
    try {
      const response = await worker.fetch!(new Request(`http://${host}${path}`, { ...rest, headers }) as never, allBindings, ctx);
      await response.clone().arrayBuffer();
      await waitOnExecutionContext(ctx);
      return response;
    } finally {
      console.error = original;
    }
  };
  return { fetch, logs, admin: (path, init = {}) => fetch(`/_admin${path}`, { ...init, token: TOKEN }) };
}
