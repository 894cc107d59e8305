/**
 * `plugins` entities. Kong 3.9 lets a filter be configured as a plugin: `name` is the filter,
 * `config` its configuration, and exactly one of `service` / `route` says where it runs
 * (no `consumer`, HTTP protocols only). Such a plugin runs after the filters of its entity's
 * chain.
 * @module
 */
import type { LoadContext } from "./context.ts";
import { asRecord, checkKnownFields, isRecord, readString, readStringArray } from "./fields.ts";
import type { Fields } from "./fields.ts";
import type { FilterEntry } from "./model.ts";
import { FILTER_FIELDS, readFilterEntry, readId, readOwnerReference } from "./validate-filter-chain.ts";
import type { EntityReference } from "./validate-filter-chain.ts";
import type { DocPath } from "./yaml-source.ts";

/** A filter plugin as read, before the loader settles its owner and id. */
export interface PluginDraft {
  path: DocPath;
  id: string | null;
  entry: FilterEntry;
  service: EntityReference | null;
  route: EntityReference | null;
  createdAt: number;
  updatedAt: number;
}

/** Kong's plugin entity fields besides the filter entry's. */
const PLUGIN_FIELDS = ["id", "instance_name", "protocols", "service", "route", "consumer", "consumer_group"] as const;
const IGNORED = ["tags", "created_at", "updated_at"] as const;
const HTTP_PROTOCOLS = ["http", "https"];

/** True when `value` looks like a plugin entry naming one of the catalog's filters. */
export function namesFilter(ctx: LoadContext, value: unknown): boolean {
  return isRecord(value) && typeof value.name === "string" && ctx.filters.has(value.name);
}

/**
 * Reads one plugin whose name is a filter. `nestedIn` is the kind of entity it is nested in
 * (its owner), or null for a top-level plugin, which must name exactly one of them.
 */
export function readFilterPlugin(ctx: LoadContext, path: DocPath, value: unknown, nestedIn: "service" | "route" | null): PluginDraft | null {
  const fields = asRecord(ctx.issues, path, value);
  if (!fields) return null;
  const notHere = "not allowed here: a nested plugin belongs to the entity it is nested in";
  checkKnownFields(ctx.issues, path, fields, [...FILTER_FIELDS, ...PLUGIN_FIELDS], {
    ignored: IGNORED,
    unsupported: nestedIn === null ? undefined : { service: notHere, route: notHere },
  });
  for (const key of ["consumer", "consumer_group"]) {
    // Kong's filter plugins cannot be scoped to consumers.
    if (fields[key] !== undefined && fields[key] !== null) ctx.issues.add([...path, key], "value must be null");
  }
  readStringArray(ctx.issues, path, fields, "protocols", (p) => (HTTP_PROTOCOLS.includes(p) ? null : `expected one of: ${HTTP_PROTOCOLS.join(", ")}`));
  readString(ctx.issues, path, fields, "instance_name");
  const entry = readFilterEntry(ctx, path, pick(fields, FILTER_FIELDS), false);
  if (!entry) return null;
  const { service, route } = nestedIn === null ? readOwnerReference(ctx, path, fields) : { service: null, route: null };
  return {
    path,
    id: readId(ctx, path, fields),
    entry,
    service,
    route,
    createdAt: timestamp(fields.created_at),
    updatedAt: timestamp(fields.updated_at),
  };
}

function pick(fields: Fields, keys: readonly string[]): Fields {
  const out: Fields = {};
  for (const key of keys) if (key in fields) out[key] = fields[key];
  return out;
}

/** Kong's timestamps are seconds since the epoch; anything else sorts as 0. */
function timestamp(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}

/** Kong 3.10's order of the filter plugins of one entity: name, updated_at, created_at, id. */
export function compareFilterPlugins(a: { name: string; updatedAt: number; createdAt: number; id: string }, b: typeof a): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.updatedAt !== b.updatedAt) return a.updatedAt - b.updatedAt;
  if (a.createdAt !== b.createdAt) return a.createdAt - b.createdAt;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
