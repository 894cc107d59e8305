/**
 * Kong declarative config (YAML or JSON text) → validated, normalised `GatewayConfig`.
 * Pure: no I/O, no code generation; runs the same in Node (the build) and workerd.
 * @module
 */
import { acceptAnyFilterConfig } from "./context.ts";
import type { FilterConfigValidator, LoadContext } from "./context.ts";
import { ConfigError } from "./errors.ts";
import type { ConfigIssue } from "./errors.ts";
import { asRecord, checkKnownFields } from "./fields.ts";
import { deriveId } from "./ids.ts";
import { IssueCollector } from "./issues.ts";
import type { FilterCatalog, FilterChain, GatewayConfig } from "./model.ts";
import { readFilterChain } from "./validate-filter-chain.ts";
import type { EntityReference, FilterChainDraft } from "./validate-filter-chain.ts";
import { readRoute } from "./validate-route.ts";
import type { RouteDraft } from "./validate-route.ts";
import { compareFilterPlugins, namesFilter, readFilterPlugin } from "./validate-plugin.ts";
import type { PluginDraft } from "./validate-plugin.ts";
import { readService } from "./validate-service.ts";
import type { ServiceDraft } from "./validate-service.ts";
import { parseYamlSource } from "./yaml-source.ts";
import type { DocPath } from "./yaml-source.ts";

export type { FilterConfigValidator } from "./context.ts";

/** Options of {@link loadDeclarativeConfig}. */
export interface LoadOptions {
  /** Shown in every error (`kong.yml:12 ...`). */
  fileName: string;
  /** The filters the build found; a chain naming another filter is an error. */
  filters: FilterCatalog;
  /** Shown in "no such filter" errors so users know where the build looked. */
  filtersDir: string;
  /** Validates JSON `config` of filters with a `config_schema`; defaults to accepting everything. */
  validateFilterConfig?: FilterConfigValidator;
  /**
   * Hears about what the gateway reads past (consumers, upstreams, Lua plugins …), each with
   * its path and line, in document order; they do not fail the load.
   */
  onWarning?: (warning: ConfigIssue) => void;
}

/** The `_format_version` values Kong 3.x reads. */
export const FORMAT_VERSIONS = ["1.1", "2.1", "3.0"] as const;

const TOP_LEVEL = ["_format_version", "_transform", "_comment", "_workspace", "_info", "_konnect", "services", "routes", "filter_chains", "plugins"];
const UNSUPPORTED_ENTITIES = [
  "consumers", "upstreams", "targets", "certificates", "ca_certificates", "snis", "vaults",
  "keys", "key_sets", "parameters", "acls", "basicauth_credentials", "keyauth_credentials", "jwt_secrets",
  "hmacauth_credentials", "oauth2_credentials", "mtls_auth_credentials", "consumer_groups",
];

/**
 * Parses and validates a Kong declarative config. Collects every problem first, then throws
 * one {@link ConfigError} listing them all with document paths and lines.
 */
export function loadDeclarativeConfig(text: string, options: LoadOptions): GatewayConfig {
  const parsed = parseYamlSource(text, /\.json$/i.test(options.fileName) ? "JSON" : "YAML");
  if ("issues" in parsed) throw new ConfigError(options.fileName, parsed.issues);
  const issues = new IssueCollector(parsed.source);
  const ctx: LoadContext = {
    issues,
    filters: options.filters,
    filtersDir: options.filtersDir,
    validateFilterConfig: options.validateFilterConfig ?? acceptAnyFilterConfig,
  };
  const config = buildConfig(ctx, parsed.source.value);
  if (issues.count > 0 || config === null) throw new ConfigError(options.fileName, issues.list());
  for (const warning of issues.warnings()) options.onWarning?.(warning);
  return config;
}

function buildConfig(ctx: LoadContext, value: unknown): GatewayConfig | null {
  if (value === undefined || value === null) {
    ctx.issues.add([], "the document is empty: expected a record with '_format_version'");
    return null;
  }
  const root = asRecord(ctx.issues, [], value);
  if (!root) return null;
  checkKnownFields(ctx.issues, [], root, [...TOP_LEVEL, ...UNSUPPORTED_ENTITIES]);
  warnUnsupportedEntities(ctx, root);
  const formatVersion = readFormatVersion(ctx, root._format_version);

  const services: ServiceDraft[] = [];
  const routes: { draft: RouteDraft; service: number | null }[] = [];
  const chains: { draft: FilterChainDraft; owner: Owner | null }[] = [];
  const plugins: { draft: PluginDraft; owner: Owner | null }[] = [];
  const readPlugin = (path: DocPath, item: unknown, owner: Owner | null): PluginDraft | null => {
    if (!namesFilter(ctx, item)) {
      notAFilter(ctx, path, item);
      return null;
    }
    const draft = readFilterPlugin(ctx, path, item, owner?.kind ?? null);
    if (draft && owner) plugins.push({ draft, owner });
    return draft;
  };

  listAt(ctx, ["services"], root.services).forEach((item, index) => {
    const draft = readService(ctx, ["services", index], item);
    if (!draft) return;
    const serviceIndex = services.push(draft) - 1;
    draft.service.id = draft.givenId ?? deriveId("service", draft.service.name ?? `#${index}`);
    draft.routes.forEach((routeValue, routeIndex) => {
      const route = readRoute(ctx, [...draft.path, "routes", routeIndex], routeValue, true);
      if (route) routes.push({ draft: route, service: serviceIndex });
    });
    draft.chains.forEach((chainValue, chainIndex) => {
      const chain = readFilterChain(ctx, [...draft.path, "filter_chains", chainIndex], chainValue, true);
      if (chain) chains.push({ draft: chain, owner: { kind: "service", index: serviceIndex } });
    });
    draft.plugins.forEach((plugin, pluginIndex) => {
      readPlugin([...draft.path, "plugins", pluginIndex], plugin, { kind: "service", index: serviceIndex });
    });
  });

  listAt(ctx, ["routes"], root.routes).forEach((item, index) => {
    const draft = readRoute(ctx, ["routes", index], item, false);
    if (!draft) return;
    const service = draft.serviceRef ? resolve(ctx, [...draft.path, "service"], draft.serviceRef, "services", serviceKeys(services)) : null;
    routes.push({ draft, service });
  });

  const routeDrafts = routes.map((r) => r.draft);
  routes.forEach(({ draft, service }, index) => {
    draft.route.service = service;
    const scope = service === null ? "" : services[service].service.id;
    draft.route.id = draft.givenId ?? deriveId("route", draft.route.name ?? `${scope}#${index}`);
    draft.chains.forEach((chainValue, chainIndex) => {
      const chain = readFilterChain(ctx, [...draft.path, "filter_chains", chainIndex], chainValue, true);
      if (chain) chains.push({ draft: chain, owner: { kind: "route", index } });
    });
    draft.plugins.forEach((plugin, pluginIndex) => {
      readPlugin([...draft.path, "plugins", pluginIndex], plugin, { kind: "route", index });
    });
  });

  /** The service or route a top-level chain or plugin names, once resolved. */
  const ownerOf = (draft: { path: DocPath; service: EntityReference | null; route: EntityReference | null }): Owner | null => {
    if (draft.service) {
      const found = resolve(ctx, [...draft.path, "service"], draft.service, "services", serviceKeys(services));
      return found === null ? null : { kind: "service", index: found };
    }
    if (draft.route) {
      const found = resolve(ctx, [...draft.path, "route"], draft.route, "routes", entityKeys(routeDrafts.map((d) => d.route)));
      return found === null ? null : { kind: "route", index: found };
    }
    return null;
  };

  listAt(ctx, ["filter_chains"], root.filter_chains).forEach((item, index) => {
    const draft = readFilterChain(ctx, ["filter_chains", index], item, false);
    if (!draft) return;
    chains.push({ draft, owner: ownerOf(draft) });
  });

  listAt(ctx, ["plugins"], root.plugins).forEach((item, index) => {
    const draft = readPlugin(["plugins", index], item, null);
    if (!draft) return;
    const owner = ownerOf(draft);
    if (owner) plugins.push({ draft, owner });
  });

  checkUnique(ctx, "services", services.map((s) => ({ path: s.path, id: s.service.id, name: s.service.name })));
  checkUnique(ctx, "routes", routeDrafts.map((r) => ({ path: r.path, id: r.route.id, name: r.route.name })));
  attachChains(ctx, chains, services, routeDrafts);
  attachPlugins(ctx, plugins, services, routeDrafts);

  return {
    formatVersion: formatVersion ?? "3.0",
    services: services.map((s) => s.service),
    routes: routeDrafts.map((r) => r.route),
  };
}

interface Owner {
  kind: "service" | "route";
  index: number;
}

function readFormatVersion(ctx: LoadContext, value: unknown): string | null {
  const path = ["_format_version"];
  if (value === undefined || value === null) {
    ctx.issues.add(path, "required field missing");
    return null;
  }
  if (typeof value !== "string") {
    // An unquoted `3.0` is the number 3 in YAML: say how to write it.
    ctx.issues.add(path, `expected a string (write it quoted, e.g. _format_version: "3.0")`);
    return null;
  }
  if (!(FORMAT_VERSIONS as readonly string[]).includes(value)) {
    ctx.issues.add(path, `unsupported _format_version "${value}": expected one of: ${FORMAT_VERSIONS.join(", ")}`);
    return null;
  }
  return value;
}

function listAt(ctx: LoadContext, path: DocPath, value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) return value;
  ctx.issues.add(path, "expected an array");
  return [];
}

interface Keys {
  byId: Map<string, number>;
  byName: Map<string, number>;
}

function entityKeys(entities: readonly { id: string; name: string | null }[]): Keys {
  const keys: Keys = { byId: new Map(), byName: new Map() };
  entities.forEach((entity, index) => {
    if (!keys.byId.has(entity.id)) keys.byId.set(entity.id, index);
    if (entity.name !== null && !keys.byName.has(entity.name)) keys.byName.set(entity.name, index);
  });
  return keys;
}

function serviceKeys(services: readonly ServiceDraft[]): Keys {
  return entityKeys(services.map((s) => s.service));
}

/** Resolves a foreign key; Kong's declarative wording when nothing matches. */
function resolve(ctx: LoadContext, path: DocPath, ref: EntityReference, kind: string, keys: Keys): number | null {
  const byId = ref.by !== "name" ? keys.byId.get(ref.value.toLowerCase()) : undefined;
  const found = byId ?? (ref.by !== "id" ? keys.byName.get(ref.value) : undefined);
  if (found !== undefined) return found;
  const field = kind === "services" ? "service" : "route";
  ctx.issues.add(path, `invalid reference '${field}: ${ref.value}' (no such entry in '${kind}')`);
  return null;
}

function checkUnique(ctx: LoadContext, kind: string, entities: readonly { path: DocPath; id: string; name: string | null }[]): void {
  const ids = new Map<string, DocPath>();
  const names = new Map<string, DocPath>();
  for (const entity of entities) {
    if (entity.name !== null) {
      if (names.has(entity.name)) {
        // Ids derive from names, so the duplicate id that follows is the same mistake.
        ctx.issues.add([...entity.path, "name"], `uniqueness violation: '${kind}' entity with name set to '${entity.name}' already declared`);
        continue;
      }
      names.set(entity.name, entity.path);
    }
    if (ids.has(entity.id)) {
      ctx.issues.add([...entity.path, "id"], `uniqueness violation: '${kind}' entity with id set to '${entity.id}' already declared`);
    } else ids.set(entity.id, entity.path);
  }
}

/** Gives each chain its id and owner; a service or route holds at most one chain. */
function attachChains(
  ctx: LoadContext,
  chains: readonly { draft: FilterChainDraft; owner: Owner | null }[],
  services: readonly ServiceDraft[],
  routes: readonly RouteDraft[],
): void {
  const owned: { path: DocPath; id: string; name: string | null }[] = [];
  for (const { draft, owner } of chains) {
    if (owner === null) continue;
    const entity = owner.kind === "service" ? services[owner.index].service : routes[owner.index].route;
    const chain: FilterChain = {
      id: draft.id ?? deriveId("filter_chain", draft.name ?? `${owner.kind}:${entity.id}`),
      name: draft.name,
      enabled: draft.enabled,
      filters: draft.filters,
    };
    if (entity.filterChain !== null) {
      const label = entity.name === null ? entity.id : `"${entity.name}"`;
      ctx.issues.add(draft.path, `unique constraint violation: ${owner.kind} ${label} already has a filter chain`);
      continue;
    }
    owned.push({ path: draft.path, id: chain.id, name: chain.name });
    entity.filterChain = chain;
  }
  checkUnique(ctx, "filter_chains", owned);
}

/** A plugin whose name is no filter of the folder: a Lua plugin, which this gateway cannot run. */
function notAFilter(ctx: LoadContext, path: DocPath, item: unknown): void {
  const name = typeof item === "object" && item !== null && "name" in item ? (item as { name: unknown }).name : undefined;
  if (typeof name !== "string") {
    ctx.issues.add([...path, "name"], name === undefined || name === null ? "required field missing" : "expected a string");
    return;
  }
  ctx.issues.warn(path, `plugin '${name}' is not a filter of the filters folder (${ctx.filtersDir}): Lua plugins are not supported, ignored`);
}

/** Entities a Kong export may hold that this gateway does not run: each is named, then ignored. */
function warnUnsupportedEntities(ctx: LoadContext, root: Record<string, unknown>): void {
  for (const kind of UNSUPPORTED_ENTITIES) {
    const value = root[kind];
    if (value === undefined || value === null) continue;
    const message = `entity type '${kind}' is not supported by this gateway, ignored`;
    if (Array.isArray(value) && value.length > 0) value.forEach((_, index) => ctx.issues.warn([kind, index], message));
    else if (!Array.isArray(value)) ctx.issues.warn([kind], message, { key: true });
  }
}

/**
 * Gives each filter plugin its id and attaches it to its service or route, in Kong 3.10's
 * order; an entity holds at most one plugin of a name, as in Kong.
 */
function attachPlugins(
  ctx: LoadContext,
  plugins: readonly { draft: PluginDraft; owner: Owner | null }[],
  services: readonly ServiceDraft[],
  routes: readonly RouteDraft[],
): void {
  const byEntity = new Map<ServiceDraft["service"] | RouteDraft["route"], { id: string; name: string; updatedAt: number; createdAt: number; filter: PluginDraft["entry"] }[]>();
  const all: { path: DocPath; id: string; name: string | null }[] = [];
  for (const { draft, owner } of plugins) {
    if (owner === null) continue;
    const entity = owner.kind === "service" ? services[owner.index].service : routes[owner.index].route;
    const list = byEntity.get(entity) ?? [];
    const name = draft.entry.name;
    if (list.some((other) => other.name === name)) {
      const label = entity.name === null ? entity.id : `"${entity.name}"`;
      ctx.issues.add(draft.path, `unique constraint violation: ${owner.kind} ${label} already has a plugin named '${name}'`);
      continue;
    }
    const id = draft.id ?? deriveId("plugin", `${owner.kind}:${entity.id}:${name}`);
    list.push({ id, name, updatedAt: draft.updatedAt, createdAt: draft.createdAt, filter: draft.entry });
    byEntity.set(entity, list);
    all.push({ path: draft.path, id, name: null });
  }
  checkUnique(ctx, "plugins", all);
  for (const [entity, list] of byEntity) {
    entity.filterPlugins = list.sort(compareFilterPlugins).map(({ id, filter }) => ({ id, filter }));
  }
}
