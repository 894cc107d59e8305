/**
 * `GET /filters` (the bundled filters) and `GET /schemas/filters/{name}` (Kong's schema endpoint).
 * @module
 */
import { detectAbiVersion } from "../../abi/exports.ts";
import type { AdminApp, AdminContext } from "./context.ts";
import { json, list, message } from "./responses.ts";

/** What Kong answers for a filter without `config_schema`: config is a raw string or null. */
export const DEFAULT_FILTER_SCHEMA = { type: ["string", "null"] };

/** One bundled filter: the build's facts when it recorded them, else what the module itself tells. */
function filterJson(name: string, ctx: AdminContext): Record<string, unknown> {
  const facts = ctx.bundle.filters?.[name];
  const module = ctx.bundle.modules[name];
  return {
    name,
    abi_version: facts?.abi ?? detectAbiVersion(module) ?? null,
    // The size of a precompiled module is unknowable at run time; only the build can tell.
    size: facts?.size ?? null,
    imports: facts?.imports ?? WebAssembly.Module.imports(module).map((entry) => `${entry.module}.${entry.name}`),
    has_config_schema: facts?.meta?.config_schema !== undefined,
  };
}

export function filterEndpoints(app: AdminApp, ctx: AdminContext): void {
  app.get("/filters", () => list(Object.keys(ctx.bundle.modules).sort().map((name) => filterJson(name, ctx))));
  app.get("/schemas/filters/:name", (c) => {
    const name = c.req.param("name");
    const filter = ctx.live.catalog.get(name);
    if (!filter) return message(404, `Filter '${name}' not found`);
    return json(filter.meta?.config_schema ?? DEFAULT_FILTER_SCHEMA);
  });
}
