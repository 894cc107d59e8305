/**
 * `filter_chains` entities and their filter entries, including the Envoy-style plugin fields
 * this project adds (root_id, vm_config, env, failure_policy) with defaults from `.meta.json`.
 * @module
 */
import { LOG_LEVEL_NAMES } from "../abi/types.ts";
import type { LoadContext } from "./context.ts";
import { asRecord, checkKnownFields, kindOf, readBoolean, readEnum, readString, readStringMap, readStringArray, readInteger } from "./fields.ts";
import type { Fields } from "./fields.ts";
import { isUuid } from "./ids.ts";
import type { FailurePolicy, FilterEntry, FilterInfo, SharedStateScope } from "./model.ts";
import { nameProblem } from "./validate-values.ts";
import { formatPath, type DocPath } from "./doc-path.ts";

/** A foreign key as written in the document: `service: billing`, `{ name: billing }`, `{ id: ... }`. */
export interface EntityReference {
  by: "id" | "name" | "id-or-name";
  value: string;
}

/** A chain as read, before its owner and id are settled by the loader. */
export interface FilterChainDraft {
  path: DocPath;
  id: string | null;
  name: string | null;
  enabled: boolean;
  filters: FilterEntry[];
  service: EntityReference | null;
  route: EntityReference | null;
}

const CHAIN_FIELDS = ["id", "name", "enabled", "filters"] as const;
const IGNORED = ["tags", "created_at", "updated_at"] as const;
const FAILURE_POLICIES: readonly FailurePolicy[] = ["fail_closed", "fail_open"];
const SHARED_STATE_SCOPES: readonly SharedStateScope[] = ["isolate", "global"];

/** Reads a foreign-key reference (`service:` / `route:` of a top-level entity). */
export function readReference(ctx: LoadContext, path: DocPath, value: unknown): EntityReference | null {
  if (typeof value === "string") return { by: isUuid(value) ? "id-or-name" : "name", value };
  const fields = asRecord(ctx.issues, path, value);
  if (!fields) return null;
  checkKnownFields(ctx.issues, path, fields, ["id", "name"]);
  const id = readString(ctx.issues, path, fields, "id");
  const name = readString(ctx.issues, path, fields, "name");
  if (id !== undefined && name !== undefined) {
    ctx.issues.add(path, "only one or none of these fields must be set: 'id', 'name'");
    return null;
  }
  if (id !== undefined) return { by: "id", value: id };
  if (name !== undefined) return { by: "name", value: name };
  ctx.issues.add(path, "at least one of these fields must be non-empty: 'id', 'name'");
  return null;
}

/** The `service` or `route` a top-level entity names: exactly one of them must be set. */
export function readOwnerReference(ctx: LoadContext, path: DocPath, fields: Fields): { service: EntityReference | null; route: EntityReference | null } {
  const hasService = fields.service !== undefined && fields.service !== null;
  const hasRoute = fields.route !== undefined && fields.route !== null;
  if (hasService && hasRoute) ctx.issues.add(path, "only one or none of these fields must be set: 'service', 'route'");
  else if (!hasService && !hasRoute) ctx.issues.add(path, "at least one of these fields must be non-empty: 'service', 'route'");
  else if (hasService) return { service: readReference(ctx, [...path, "service"], fields.service), route: null };
  else return { service: null, route: readReference(ctx, [...path, "route"], fields.route) };
  return { service: null, route: null };
}

/**
 * Reads one chain. `nested` chains sit under a service or route and take it as owner; top-level
 * chains must name exactly one of `service` / `route`.
 */
export function readFilterChain(ctx: LoadContext, path: DocPath, value: unknown, nested: boolean): FilterChainDraft | null {
  const fields = asRecord(ctx.issues, path, value);
  if (!fields) return null;
  const known = nested ? CHAIN_FIELDS : [...CHAIN_FIELDS, "service", "route"];
  checkKnownFields(ctx.issues, path, fields, known, {
    ignored: IGNORED,
    unsupported: nested
      ? {
          service: "not allowed here: a nested filter chain belongs to the entity it is nested in",
          route: "not allowed here: a nested filter chain belongs to the entity it is nested in",
        }
      : undefined,
  });
  const id = readId(ctx, path, fields);
  const name = readString(ctx.issues, path, fields, "name") ?? null;
  if (name !== null) {
    const problem = nameProblem(name);
    if (problem) ctx.issues.add([...path, "name"], problem);
  }
  const { service, route } = nested ? { service: null, route: null } : readOwnerReference(ctx, path, fields);
  return {
    path,
    id,
    name,
    enabled: readBoolean(ctx.issues, path, fields, "enabled", true),
    filters: readFilters(ctx, path, fields),
    service,
    route,
  };
}

/** Reads an optional entity `id`, which must be a UUID. */
export function readId(ctx: LoadContext, path: DocPath, fields: Fields): string | null {
  const id = readString(ctx.issues, path, fields, "id");
  if (id === undefined) return null;
  if (!isUuid(id)) {
    ctx.issues.add([...path, "id"], "expected a valid UUID");
    return null;
  }
  return id.toLowerCase();
}

function readFilters(ctx: LoadContext, chainPath: DocPath, chain: Fields): FilterEntry[] {
  const path = [...chainPath, "filters"];
  const value = chain.filters;
  if (value === undefined || value === null) {
    ctx.issues.add(path, "required field missing");
    return [];
  }
  if (!Array.isArray(value)) {
    ctx.issues.add(path, "expected an array");
    return [];
  }
  if (value.length === 0) {
    ctx.issues.add(path, "length must be at least 1");
    return [];
  }
  const out: FilterEntry[] = [];
  value.forEach((item: unknown, index) => {
    const entry = readFilterEntry(ctx, [...path, index], item);
    if (entry) out.push(entry);
  });
  return out;
}

/** The fields of a filter entry (Kong's `name`, `config`, `enabled` and the Envoy-style extras). */
export const FILTER_FIELDS = ["name", "config", "enabled", "root_id", "vm_config", "env", "failure_policy", "callout_hosts", "log_level", "fuel_budget", "shared_state"] as const;

/**
 * Reads one filter entry. `knownFields: false` leaves the check for unknown fields to the
 * caller (a plugin entity, which has more fields than an entry).
 */
export function readFilterEntry(ctx: LoadContext, path: DocPath, value: unknown, knownFields = true): FilterEntry | null {
  const fields = asRecord(ctx.issues, path, value);
  if (!fields) return null;
  if (knownFields) checkKnownFields(ctx.issues, path, fields, FILTER_FIELDS);
  const name = fields.name;
  if (name === undefined || name === null) {
    ctx.issues.add([...path, "name"], "required field missing");
    return null;
  }
  if (typeof name !== "string") {
    ctx.issues.add([...path, "name"], "expected a string");
    return null;
  }
  const info = ctx.filters.get(name);
  if (!info) {
    ctx.issues.add([...path, "name"], `no such filter "${name}" (filters folder ${ctx.filtersDir})`);
  }
  const meta = info?.meta ?? {};
  const env = readStringMap(ctx.issues, path, fields, "env");
  for (const key of Object.keys(env ?? {})) {
    if (key === "" || key.includes("=") || key.includes("\0")) {
      ctx.issues.add([...path, "env", key], "invalid environment variable name", { key: true });
    }
  }
  return {
    name,
    config: readConfig(ctx, path, fields, info),
    enabled: readBoolean(ctx.issues, path, fields, "enabled", true),
    rootId: readString(ctx.issues, path, fields, "root_id") ?? meta.root_id ?? "",
    vmConfig: readString(ctx.issues, path, fields, "vm_config") ?? meta.vm_config ?? "",
    // The entry's variables override the filter's defaults one by one rather than replacing
    // the whole set, so a chain can change one variable without restating the rest.
    env: { ...(meta.env ?? {}), ...(env ?? {}) },
    failurePolicy: readEnum(ctx.issues, path, fields, "failure_policy", FAILURE_POLICIES, meta.failure_policy ?? "fail_closed"),
    calloutHosts: readCalloutHosts(ctx, path, fields) ?? meta.callout_hosts ?? [],
    fuelBudget:
      fields.fuel_budget === undefined ? (meta.fuel_budget ?? null) : readInteger(ctx.issues, path, fields, "fuel_budget", 0, { min: 1, max: Number.MAX_SAFE_INTEGER }) || null,
    logLevel: fields.log_level === undefined ? (meta.log_level ?? null) : readEnum(ctx.issues, path, fields, "log_level", LOG_LEVEL_NAMES, "info"),
    sharedState: readSharedState(ctx, path, fields, name, meta.shared_state ?? "isolate"),
  };
}

/**
 * `shared_state`: `isolate` or `global`. Entries of one filter share a VM id, and with it their
 * shared data and queues, so they must agree on where those live.
 */
function readSharedState(ctx: LoadContext, path: DocPath, fields: Fields, vmId: string, fallback: SharedStateScope): SharedStateScope {
  const scope = readEnum(ctx.issues, path, fields, "shared_state", SHARED_STATE_SCOPES, fallback);
  const where = fields.shared_state === undefined ? path : [...path, "shared_state"];
  ctx.sharedStates ??= new Map();
  const first = ctx.sharedStates.get(vmId);
  if (first === undefined) ctx.sharedStates.set(vmId, { scope, path: where });
  else if (first.scope !== scope) {
    ctx.issues.add(
      where,
      `shared_state "${scope}" disagrees with "${first.scope}" at ${formatPath(first.path)}: entries of filter "${vmId}" share one VM id and must use the same shared_state`,
    );
  }
  return scope;
}

/** `callout_hosts`: `host` or `host:port` entries, lower-cased. */
function readCalloutHosts(ctx: LoadContext, path: DocPath, fields: Fields): string[] | undefined {
  const hosts = readStringArray(ctx.issues, path, fields, "callout_hosts", (host) =>
    /^[a-z0-9.-]+(:\d{1,5})?$/i.test(host) || /^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host)
      ? null
      : `invalid host "${host}": expected host or host:port`,
  );
  return hosts?.map((host) => host.toLowerCase());
}

/**
 * A filter without `config_schema` takes a raw string (Kong 3.4); with one, `config` is any
 * JSON value, validated by the hook and serialised for the filter (Kong 3.5+).
 */
function readConfig(ctx: LoadContext, path: DocPath, fields: Fields, info: FilterInfo | undefined): string | null {
  const value = fields.config;
  const configPath = [...path, "config"];
  const schema = info?.meta?.config_schema;
  if (info && schema !== undefined) {
    for (const problem of ctx.validateFilterConfig(value ?? null, schema, info)) ctx.issues.add(configPath, problem);
    return value === undefined || value === null ? null : JSON.stringify(value);
  }
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  ctx.issues.add(configPath, `wrong type: expected one of string, null, got ${kindOf(value)}`);
  return null;
}
