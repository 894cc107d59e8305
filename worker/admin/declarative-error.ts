/**
 * A rejected declarative config as Kong's DB-less `POST /config` reports it: code 14, a nested
 * `fields` tree, and `flattened_errors` (one entry per entity, Kong 3.x `flatten_errors`).
 * Each flattened error also carries this gateway's document `path` and source `line`.
 * @module
 */
import type { ConfigIssue } from "../../config/errors.ts";
import { parseYamlSource } from "../../config/yaml-source.ts";

/** Kong's error code for an invalid declarative config (`kong/db/errors.lua`). */
export const DECLARATIVE_CONFIG_CODE = 14;

type Segment = string | number;
/** A node of Kong's `fields` tree: a message, a list of entity messages (`@entity`), or more nodes. */
type FieldNode = string | string[] | FieldNode[] | { [key: string]: FieldNode } | null;
type Container = Record<string | number, FieldNode>;

const TOKEN = /^(?:\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;

/** Reads a formatted document path (`services[0].routes[1]["x-key"]`) back into segments. */
export function parseDocPath(path: string): Segment[] {
  const segments: Segment[] = [];
  let rest = path;
  while (rest.length > 0) {
    const match = TOKEN.exec(rest);
    if (!match) return [...segments, rest];
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else segments.push(JSON.parse(match[3]) as string);
    rest = rest.slice(match[0].length);
  }
  return segments;
}

/** Adds `message` at `path` of the `fields` tree; a node with both its own and child errors keeps its own under `@entity`. */
function place(tree: Container, path: readonly Segment[], message: string): void {
  let node: Container = tree;
  path.forEach((key, i) => {
    const current = node[key];
    if (i === path.length - 1) {
      if (current === undefined || current === null) node[key] = message;
      else if (typeof current === "string") node[key] = `${current}; ${message}`;
      else if (!Array.isArray(current)) ((current["@entity"] ??= []) as string[]).push(message);
      return;
    }
    let child = current;
    if (child === undefined || child === null) child = typeof path[i + 1] === "number" ? [] : {};
    else if (typeof child === "string") child = { "@entity": [child] };
    node[key] = child;
    node = child as unknown as Container;
  });
}

/** Kong's nested `fields`: parse errors under `error`, everything else at its document path. */
export function fieldsOf(issues: readonly ConfigIssue[]): Container {
  const fields: Container = {};
  for (const issue of issues) {
    if (issue.path === "") {
      const text = issue.message.startsWith("YAML syntax error") ? `failed parsing declarative configuration: ${issue.message}` : issue.message;
      place(fields, ["error"], text);
    } else place(fields, parseDocPath(issue.path), issue.message);
  }
  // Sparse arrays serialise their holes as null, which is what Kong sends for valid entries.
  return fields;
}

/** Lua-table text of `fields`, like the `message` Kong builds with penlight's pretty writer. */
export function luaText(value: unknown): string {
  if (value === null || value === undefined) return "nil";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value !== "object") return String(value);
  if (Array.isArray(value)) {
    // Array.from turns holes into undefined (every/map would skip them).
    const items = Array.from(value as unknown[]);
    if (items.every((v) => v !== undefined && v !== null)) return `{${items.map(luaText).join(",")}}`;
    // Lua arrays count from 1; valid entries are absent, as in Kong's message.
    const present = items.flatMap((v, i) => (v === undefined || v === null ? [] : [`[${i + 1}]=${luaText(v)}`]));
    return `{${present.join(",")}}`;
  }
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `[${JSON.stringify(k)}]`}=${luaText(v)}`).join(",")}}`;
}

const ENTITY_COLLECTIONS: Record<string, string> = { services: "service", routes: "route", filter_chains: "filter_chain" };

/** One error of a flattened entity, with this gateway's document path and line. */
export type FlattenedFieldError = ({ type: "field"; field: string } | { type: "entity" }) & { message: string; path: string; line: number | null };

/** One entity's errors in Kong's `flattened_errors` shape. */
export interface FlattenedError {
  entity_type: string;
  entity_id?: string;
  entity_name?: string;
  entity_tags?: unknown[];
  entity: unknown;
  errors: FlattenedFieldError[];
}

function valueAt(root: unknown, path: readonly Segment[]): unknown {
  let value = root;
  for (const segment of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** Kong's `field`: dotted, with Lua's 1-based indexes (`filters.1.config`). */
function kongField(path: readonly Segment[]): string {
  return path.map((s) => (typeof s === "number" ? String(s + 1) : s)).join(".");
}

/** Groups entity issues by entity; document-level issues stay in `fields` only (as in Kong). */
export function flattenedErrors(issues: readonly ConfigIssue[], text: string): FlattenedError[] {
  const parsed = parseYamlSource(text);
  const root = "source" in parsed ? parsed.source.value : undefined;
  const byEntity = new Map<string, FlattenedError>();
  for (const issue of issues) {
    const path = parseDocPath(issue.path);
    let cut = -1;
    for (let i = 0; i + 1 < path.length; i++) {
      if (typeof path[i] === "string" && ENTITY_COLLECTIONS[path[i] as string] && typeof path[i + 1] === "number") cut = i + 2;
    }
    if (cut < 0) continue;
    const entityPath = path.slice(0, cut);
    const key = JSON.stringify(entityPath);
    let entry = byEntity.get(key);
    if (!entry) {
      const entity = valueAt(root, entityPath);
      const fields = typeof entity === "object" && entity !== null ? (entity as Record<string, unknown>) : {};
      entry = { entity_type: ENTITY_COLLECTIONS[entityPath[cut - 2] as string], entity: entity ?? null, errors: [] };
      if (typeof fields.id === "string") entry.entity_id = fields.id;
      if (typeof fields.name === "string") entry.entity_name = fields.name;
      if (Array.isArray(fields.tags)) entry.entity_tags = fields.tags;
      byEntity.set(key, entry);
    }
    const rest = path.slice(cut);
    const where = { message: issue.message, path: issue.path, line: issue.line };
    entry.errors.push(rest.length === 0 ? { type: "entity", ...where } : { type: "field", field: kongField(rest), ...where });
  }
  return [...byEntity.values()];
}

/** The 400 body of a rejected `POST /config`. */
export function declarativeErrorBody(issues: readonly ConfigIssue[], text: string): Record<string, unknown> {
  const fields = fieldsOf(issues);
  return {
    code: DECLARATIVE_CONFIG_CODE,
    name: "invalid declarative configuration",
    message: `declarative config is invalid: ${luaText(fields)}`,
    fields,
    flattened_errors: flattenedErrors(issues, text),
  };
}
