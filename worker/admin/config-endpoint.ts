/**
 * `POST /config` (Kong DB-less: replace the whole declarative config) and `GET /config`.
 * A posted config is validated against the bundled filters and their schemas, stored in KV and
 * installed in this isolate at once; other isolates pick it up on their next store check.
 * @module
 */
import { ConfigError } from "../../config/errors.ts";
import type { GatewayConfig } from "../../config/model.ts";
import { newVersion, writeStoredConfig } from "./config-store.ts";
import type { AdminApp, AdminContext } from "./context.ts";
import { declarativeErrorBody } from "./declarative-error.ts";
import { filterChains } from "./entities.ts";
import { json, message } from "./responses.ts";

/**
 * The declarative text of a `POST /config` body. Like Kong: a JSON or form body with a `config`
 * field holding the text, or the declarative config itself (JSON, or YAML with any other type).
 */
async function declarativeText(request: Request): Promise<string | null> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (type.includes("multipart/form-data") || type.includes("application/x-www-form-urlencoded")) {
    const field: unknown = (await request.formData()).get("config");
    if (typeof field === "string") return field;
    // An uploaded file (`-F config=@kong.yml`).
    return field instanceof Blob ? await field.text() : null;
  }
  // Decoded by hand: workerd warns when `.text()` reads a type it does not know as text (YAML).
  const text = new TextDecoder().decode(await request.arrayBuffer());
  if (type.includes("json")) {
    try {
      const body = JSON.parse(text) as unknown;
      if (typeof body === "object" && body !== null && typeof (body as { config?: unknown }).config === "string") {
        return (body as { config: string }).config;
      }
    } catch {
      // Not JSON after all: the loader reports it with a line.
    }
  }
  return text;
}

function usedFilters(config: GatewayConfig): string[] {
  const plugins = [...config.services, ...config.routes].flatMap((owner) => owner.filterPlugins.map((p) => p.filter.name));
  return [...new Set([...filterChains(config).flatMap((owned) => owned.chain.filters.map((f) => f.name)), ...plugins])];
}

export function configEndpoints(app: AdminApp, ctx: AdminContext): void {
  app.get("/config", () => {
    const running = ctx.live.running;
    return json({ version: running.version, origin: running.origin, loaded_at: new Date(running.loadedAt).toISOString(), source: running.source, config: running.config });
  });

  app.post("/config", async (c) => {
    const kv = c.env?.CONFIG_KV;
    if (!kv) return message(501, "config changes need a config store: bind a Workers KV namespace as CONFIG_KV");
    const text = await declarativeText(c.req.raw);
    if (text === null || text.trim() === "") return message(400, "expected a declarative configuration");
    let config: GatewayConfig;
    try {
      config = ctx.live.load(text);
    } catch (error) {
      if (error instanceof ConfigError) return json(declarativeErrorBody(error.issues, text), 400);
      throw error;
    }
    const version = newVersion();
    // Store first: a config only this isolate runs would vanish with it.
    await writeStoredConfig(kv, { version, created_at: Date.now(), bundle: ctx.live.fingerprint, source: text, config });
    ctx.live.install(config, version, text);
    return json(
      {
        version,
        services: config.services.length,
        routes: config.routes.length,
        filter_chains: filterChains(config).length,
        filters: usedFilters(config),
      },
      201,
    );
  });
}
