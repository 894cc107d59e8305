/**
 * A sanity check of a filter's `config_schema` before anything is validated against it: a
 * mistake in the schema is the filter author's, and must be reported at the `.meta.json`, not as
 * a mistake in every config that uses the filter.
 * @module
 */

const TYPES = new Set(["string", "number", "integer", "boolean", "object", "array", "null"]);
const SCHEMA_MAPS = ["properties", "patternProperties", "definitions", "$defs"];
const SCHEMA_LISTS = ["allOf", "anyOf", "oneOf"];

/** The first problem in `schema` as `path: what`, or undefined. */
export function schemaProblem(schema: unknown, path = "config_schema"): string | undefined {
  if (typeof schema === "boolean") return undefined;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return `${path}: a schema must be an object`;
  const fields = schema as Record<string, unknown>;
  const type = fields.type;
  if (type !== undefined) {
    const names = Array.isArray(type) ? type : [type];
    const wrong = names.find((name) => typeof name !== "string" || !TYPES.has(name));
    if (wrong !== undefined) return `${path}.type: ${JSON.stringify(wrong)} is not a JSON Schema type (${[...TYPES].join(", ")})`;
  }
  if (fields.required !== undefined && !(Array.isArray(fields.required) && fields.required.every((name) => typeof name === "string"))) {
    return `${path}.required: expected an array of property names`;
  }
  if (fields.enum !== undefined && !Array.isArray(fields.enum)) return `${path}.enum: expected an array`;
  for (const key of SCHEMA_MAPS) {
    const map = fields[key];
    if (map === undefined) continue;
    if (typeof map !== "object" || map === null || Array.isArray(map)) return `${path}.${key}: expected an object of schemas`;
    for (const [name, child] of Object.entries(map)) {
      const problem = schemaProblem(child, `${path}.${key}.${name}`);
      if (problem) return problem;
    }
  }
  for (const key of SCHEMA_LISTS) {
    const list = fields[key];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `${path}.${key}: expected an array of schemas`;
    for (const [index, child] of list.entries()) {
      const problem = schemaProblem(child, `${path}.${key}[${index}]`);
      if (problem) return problem;
    }
  }
  for (const key of ["items", "additionalProperties", "not"]) {
    const child = fields[key];
    if (child === undefined) continue;
    const children = key === "items" && Array.isArray(child) ? child : [child];
    for (const [index, item] of children.entries()) {
      const problem = schemaProblem(item, Array.isArray(child) ? `${path}.${key}[${index}]` : `${path}.${key}`);
      if (problem) return problem;
    }
  }
  return undefined;
}
