/**
 * JSON Schema validation of filter configurations (`<filter>.meta.json`'s `config_schema`, Kong
 * 3.5+). Uses @cfworker/json-schema, which interprets schemas instead of generating code, so the
 * same validator runs in the build (Node) and in the worker (workerd forbids code generation).
 * @module
 */
import { Validator } from "@cfworker/json-schema";
import type { OutputUnit, Schema, SchemaDraft } from "@cfworker/json-schema";
import type { FilterConfigValidator } from "./context.ts";
import { formatPath } from "./doc-path.ts";

/** The draft Kong's filter schemas are written in when they do not say otherwise. */
export const DEFAULT_SCHEMA_DRAFT: SchemaDraft = "4";

/** `$schema` URIs and the draft they select; draft 6 is read as draft 7, its close successor. */
const DRAFTS: readonly [RegExp, SchemaDraft][] = [
  [/draft-0?4\b/, "4"],
  [/draft-0?[67]\b/, "7"],
  [/draft\/2019-09\b/, "2019-09"],
  [/draft\/2020-12\b/, "2020-12"],
];

/** The draft a schema declares with `$schema`, or Kong's default (draft 4). */
export function schemaDraft(schema: unknown): SchemaDraft {
  const declared = typeof schema === "object" && schema !== null ? (schema as Schema).$schema : undefined;
  if (typeof declared !== "string") return DEFAULT_SCHEMA_DRAFT;
  return DRAFTS.find(([pattern]) => pattern.test(declared))?.[1] ?? DEFAULT_SCHEMA_DRAFT;
}

// Schemas are long-lived (they come from the bundle), so one compiled lookup per schema object.
const validators = new WeakMap<object, Validator>();

function validatorFor(schema: Schema | boolean): Validator {
  if (typeof schema === "boolean") return new Validator(schema, DEFAULT_SCHEMA_DRAFT, false);
  let validator = validators.get(schema);
  if (!validator) {
    validator = new Validator(schema, schemaDraft(schema), false);
    validators.set(schema, validator);
  }
  return validator;
}

/**
 * Validates `config` against `schema` and returns Kong-style messages (empty = valid), e.g.
 * `property "my_greeting" is required` or `property "limits.window": wrong type: expected
 * integer, got string`. The loader prefixes them with the config's document path and line.
 */
export function validateAgainstSchema(config: unknown, schema: unknown): string[] {
  if (typeof schema !== "boolean" && (typeof schema !== "object" || schema === null || Array.isArray(schema))) {
    return ["invalid config_schema: expected a JSON Schema object"];
  }
  let units: OutputUnit[];
  try {
    const result = validatorFor(schema as Schema | boolean).validate(config);
    if (result.valid) return [];
    units = result.errors;
  } catch (error) {
    // A broken schema (a bad $ref, say) is the filter author's bug: say so instead of crashing.
    return [`invalid config_schema: ${error instanceof Error ? error.message : String(error)}`];
  }
  const messages = significantUnits(units).map((unit) => describeUnit(unit, config));
  return [...new Set(messages)];
}

/** The {@link FilterConfigValidator} for `loadDeclarativeConfig`'s `validateFilterConfig` option. */
export const validateFilterConfigSchema: FilterConfigValidator = (config, schema) => validateAgainstSchema(config, schema);

/** Keywords whose error only says "something below failed": shown only when nothing below is. */
const SUMMARY_KEYWORDS = new Set([
  "properties",
  "patternProperties",
  "additionalProperties",
  "items",
  "prefixItems",
  "additionalItems",
  "$ref",
  "$recursiveRef",
  "$dynamicRef",
  "allOf",
  "dependencies",
  "dependentSchemas",
  "unevaluatedProperties",
  "unevaluatedItems",
  "then",
  "else",
]);
/** Keywords whose sub-errors describe failed alternatives: the alternatives would only confuse. */
const ALTERNATIVE_KEYWORDS = new Set(["anyOf", "oneOf", "not"]);

const below = (unit: OutputUnit, parent: OutputUnit) => unit.keywordLocation.startsWith(`${parent.keywordLocation}/`);

/** The errors worth showing: leaves, alternatives as one error, `additionalProperties: false` as one error. */
function significantUnits(units: OutputUnit[]): OutputUnit[] {
  const alternatives = units.filter((unit) => ALTERNATIVE_KEYWORDS.has(unit.keyword));
  let kept = units.filter((unit) => !alternatives.some((alt) => below(unit, alt)));
  // `additionalProperties: false` reports the property and then a bare "False boolean schema".
  const forbidden = kept.filter((unit) => unit.keyword === "additionalProperties");
  kept = kept.filter((unit) => !(unit.keyword === "false" && forbidden.some((p) => unit.instanceLocation.startsWith(`${p.instanceLocation}/`))));
  return kept.filter((unit) => !SUMMARY_KEYWORDS.has(unit.keyword) || !kept.some((other) => below(other, unit)));
}

/** Reads a JSON pointer (`#/a/0`) of the validated instance into a document-style path. */
function instancePath(pointer: string, instance: unknown): (string | number)[] {
  const segments = pointer.replace(/^#\/?/, "").split("/").filter((s, i, all) => !(s === "" && all.length === 1));
  const path: (string | number)[] = [];
  let value = instance;
  for (const raw of segments) {
    const segment = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(value) && /^\d+$/.test(segment)) {
      path.push(Number(segment));
      value = value[Number(segment)];
    } else {
      path.push(segment);
      value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

function quotedList(text: string): string[] {
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]);
}

const lastNumber = (text: string) => /(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\.?\s*$/i.exec(text)?.[1];

/** One error in Kong's words, naming the property it is about. */
function describeUnit(unit: OutputUnit, instance: unknown): string {
  const at = instancePath(unit.instanceLocation, instance);
  const subject = (extra: string[] = []) => formatPath([...at, ...extra]);
  const about = (text: string) => (at.length === 0 ? text : `property "${subject()}": ${text}`);
  const error = unit.error;
  switch (unit.keyword) {
    case "required": {
      const name = quotedList(error)[0];
      return name === undefined ? about("required property missing") : `property "${subject([name])}" is required`;
    }
    case "additionalProperties": {
      const name = /Property "((?:[^"\\]|\\.)*)"/.exec(error)?.[1];
      return name === undefined ? about("unknown field") : `property "${subject([name])}" is not allowed (unknown field)`;
    }
    case "type": {
      const match = /Instance type "(\w+)" is invalid\. Expected (.*)\.$/.exec(error);
      if (!match) break;
      const expected = quotedList(match[2]);
      const wanted = expected.length === 1 ? expected[0] : `one of ${expected.join(", ")}`;
      return about(`wrong type: expected ${wanted}, got ${match[1]}`);
    }
    case "enum": {
      const list = /any of (.*)\.$/.exec(error)?.[1];
      return about(list === undefined ? "value is not one of the allowed values" : `expected one of: ${list}`);
    }
    case "const":
      return about("value is not the allowed constant");
    case "minLength":
    case "minItems":
    case "minProperties":
    case "maxLength":
    case "maxItems":
    case "maxProperties": {
      const limit = /\(\d+ [<>] (\d+)\)/.exec(error)?.[1] ?? lastNumber(error);
      if (limit === undefined) break;
      const least = unit.keyword.startsWith("min");
      const what = unit.keyword.endsWith("Properties") ? "number of properties" : "length";
      return about(`${what} must be ${least ? "at least" : "at most"} ${limit}`);
    }
    case "minimum":
    case "exclusiveMinimum":
    case "maximum":
    case "exclusiveMaximum": {
      const limit = lastNumber(error);
      if (limit === undefined) break;
      const exclusive = unit.keyword.startsWith("exclusive") || /or equal to/.test(error);
      const low = unit.keyword.toLowerCase().includes("minimum");
      const bound = low ? (exclusive ? "greater than" : "at least") : exclusive ? "less than" : "at most";
      return about(`value must be ${bound} ${limit}`);
    }
    case "pattern":
      return about("value does not match the required pattern");
    case "format": {
      const format = quotedList(error)[0];
      return about(format === undefined ? "invalid format" : `invalid ${format}`);
    }
    case "anyOf":
    case "oneOf":
      return about(/\((\d+) matches\)/.exec(error)?.[1] === "0" || unit.keyword === "anyOf" ? "value matches none of the allowed schemas" : "value matches more than one of the allowed schemas");
    case "not":
      return about("value matches a schema it must not match");
    case "false":
      return about("value is not allowed");
    default:
      break;
  }
  // Anything else keeps the validator's own words, tidied (it doubles some spaces).
  return about(error.replace(/\s+/g, " ").replace(/\.$/, ""));
}
