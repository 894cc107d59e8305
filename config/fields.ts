/**
 * Typed readers for entity fields. Each reader reports a Kong-worded issue and returns a
 * fallback instead of throwing, so validation continues and every problem is reported.
 * @module
 */
import type { IssueCollector } from "./issues.ts";
import type { DocPath } from "./yaml-source.ts";

/** The fields of one entity as parsed (a YAML/JSON map). */
export type Fields = Record<string, unknown>;

/** Names for JavaScript values in Kong's wording ("got object", "got array"). */
export function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** True for a plain map (not an array, not null). */
export function isRecord(value: unknown): value is Fields {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks that `value` is a record; reports `expected a record` otherwise. */
export function asRecord(issues: IssueCollector, path: DocPath, value: unknown): Fields | null {
  if (isRecord(value)) return value;
  issues.add(path, "expected a record");
  return null;
}

/**
 * Reports every key of `fields` that the entity does not know. `unsupported` keys are Kong
 * fields this gateway cannot honour: they get a message saying so instead of "unknown field".
 * Keys in `ignored` are Kong bookkeeping accepted and dropped (tags, timestamps).
 */
export function checkKnownFields(
  issues: IssueCollector,
  path: DocPath,
  fields: Fields,
  known: readonly string[],
  options: { ignored?: readonly string[]; unsupported?: Readonly<Record<string, string>> } = {},
): void {
  for (const key of Object.keys(fields)) {
    if (known.includes(key) || options.ignored?.includes(key)) continue;
    const why = options.unsupported?.[key];
    // Exports (`kong config db_export`, decK) write unset fields as null or []: nothing asked for.
    if (why !== undefined && isUnset(fields[key])) continue;
    issues.add([...path, key], why ?? "unknown field", { key: true });
  }
}

function isUnset(value: unknown): boolean {
  return value === null || (Array.isArray(value) && value.length === 0);
}

/** Reads an optional string field. */
export function readString(issues: IssueCollector, path: DocPath, fields: Fields, key: string): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  issues.add([...path, key], "expected a string");
  return undefined;
}

/** Reads a required string field (`required field missing` when absent). */
export function readRequiredString(issues: IssueCollector, path: DocPath, fields: Fields, key: string): string | undefined {
  if (fields[key] === undefined || fields[key] === null) {
    issues.add([...path, key], "required field missing");
    return undefined;
  }
  return readString(issues, path, fields, key);
}

/** Reads an optional boolean field, with its default. */
export function readBoolean(issues: IssueCollector, path: DocPath, fields: Fields, key: string, fallback: boolean): boolean {
  const value = fields[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === "boolean") return value;
  issues.add([...path, key], "expected a boolean");
  return fallback;
}

/** Reads an optional integer field within `[min, max]`, with its default. */
export function readInteger(
  issues: IssueCollector,
  path: DocPath,
  fields: Fields,
  key: string,
  fallback: number,
  range: { min: number; max: number },
): number {
  const value = fields[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    issues.add([...path, key], "expected an integer");
    return fallback;
  }
  if (value < range.min || value > range.max) {
    issues.add([...path, key], `value must be between ${range.min} and ${range.max}`);
    return fallback;
  }
  return value;
}

/** Reads an optional enum field, with its default (`expected one of: a, b`). */
export function readEnum<T extends string>(
  issues: IssueCollector,
  path: DocPath,
  fields: Fields,
  key: string,
  allowed: readonly T[],
  fallback: T,
): T {
  const value = fields[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  issues.add([...path, key], typeof value === "string" ? `expected one of: ${allowed.join(", ")}` : "expected a string");
  return fallback;
}

/**
 * Reads an optional array of strings, checking each element with `check` (which returns an
 * error message or null). Bad elements are reported at their own index and dropped.
 */
export function readStringArray(
  issues: IssueCollector,
  path: DocPath,
  fields: Fields,
  key: string,
  check: (value: string) => string | null = () => null,
): string[] | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    issues.add([...path, key], "expected an array");
    return undefined;
  }
  const out: string[] = [];
  value.forEach((item: unknown, index) => {
    if (typeof item !== "string") {
      issues.add([...path, key, index], "expected a string");
      return;
    }
    const problem = check(item);
    if (problem !== null) issues.add([...path, key, index], problem);
    else out.push(item);
  });
  return out;
}

/** Reads an optional map of string values (`env`). */
export function readStringMap(
  issues: IssueCollector,
  path: DocPath,
  fields: Fields,
  key: string,
): Record<string, string> | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) {
    issues.add([...path, key], "expected a map");
    return undefined;
  }
  const out: Record<string, string> = {};
  for (const [name, item] of Object.entries(value)) {
    if (typeof item === "string") out[name] = item;
    else issues.add([...path, key, name], "expected a string");
  }
  return out;
}
