import { describe, expect, it } from "vitest";
import { loadDeclarativeConfig } from "../../../config/load.ts";
import { ConfigError } from "../../../config/errors.ts";
import { schemaDraft, validateAgainstSchema, validateFilterConfigSchema } from "../../../config/filter-schema.ts";
import type { FilterCatalog } from "../../../config/model.ts";

const GREETING_SCHEMA = {
  type: "object",
  required: ["my_greeting"],
  properties: {
    my_greeting: { type: "string", minLength: 2 },
    limits: {
      type: "object",
      properties: { window: { type: "integer", minimum: 1, maximum: 60 }, tags: { type: "array", items: { type: "string" } } },
      additionalProperties: false,
    },
    mode: { enum: ["fast", "safe"] },
  },
};

describe("validateAgainstSchema", () => {
  it("accepts a config the schema allows", () => {
    expect(validateAgainstSchema({ my_greeting: "hi", limits: { window: 5, tags: ["a"] } }, GREETING_SCHEMA)).toEqual([]);
  });

  it("names a missing required property", () => {
    expect(validateAgainstSchema({}, GREETING_SCHEMA)).toEqual(['property "my_greeting" is required']);
  });

  it("names nested properties and array items with document paths", () => {
    expect(validateAgainstSchema({ my_greeting: "hi", limits: { window: 0, tags: ["a", 2] } }, GREETING_SCHEMA)).toEqual([
      'property "limits.window": value must be at least 1',
      'property "limits.tags[1]": wrong type: expected string, got number',
    ]);
  });

  it("reports every problem, not only the first", () => {
    expect(validateAgainstSchema({ my_greeting: "x", mode: "slow" }, GREETING_SCHEMA)).toEqual([
      'property "my_greeting": length must be at least 2',
      'property "mode": expected one of: ["fast","safe"]',
    ]);
  });

  it("calls a property that additionalProperties forbids an unknown field", () => {
    expect(validateAgainstSchema({ my_greeting: "hi", limits: { burst: 3 } }, GREETING_SCHEMA)).toEqual([
      'property "limits.burst" is not allowed (unknown field)',
    ]);
  });

  it("words type errors like Kong, with every allowed type", () => {
    expect(validateAgainstSchema(3, { type: ["string", "null"] })).toEqual(["wrong type: expected one of string, null, got number"]);
    expect(validateAgainstSchema(null, { type: "object" })).toEqual(["wrong type: expected object, got null"]);
  });

  it("reports a failed oneOf once instead of every alternative", () => {
    expect(validateAgainstSchema(1.5, { oneOf: [{ type: "string" }, { type: "integer" }] })).toEqual([
      "value matches none of the allowed schemas",
    ]);
  });

  it("follows $ref and reports the referenced rule", () => {
    const schema = { type: "object", properties: { n: { $ref: "#/definitions/small" } }, definitions: { small: { type: "integer", maximum: 2 } } };
    expect(validateAgainstSchema({ n: 5 }, schema)).toEqual(['property "n": value must be at most 2']);
  });

  it("validates with draft 4 unless $schema says otherwise", () => {
    // Draft 4's exclusiveMinimum is a boolean; draft 7's is a number.
    expect(validateAgainstSchema(3, { minimum: 3, exclusiveMinimum: true })).toEqual(["value must be greater than 3"]);
    expect(validateAgainstSchema(3, { $schema: "http://json-schema.org/draft-07/schema#", exclusiveMinimum: 3 })).toEqual([
      "value must be greater than 3",
    ]);
    expect(validateAgainstSchema(4, { $schema: "http://json-schema.org/draft-07/schema#", exclusiveMinimum: 3 })).toEqual([]);
  });

  it("says when the schema itself is not a schema", () => {
    expect(validateAgainstSchema({}, "nope")).toEqual(["invalid config_schema: expected a JSON Schema object"]);
  });
});

describe("schemaDraft", () => {
  it("maps $schema URIs to drafts, defaulting to draft 4 like Kong", () => {
    expect(schemaDraft({})).toBe("4");
    expect(schemaDraft({ $schema: "http://json-schema.org/draft-04/schema#" })).toBe("4");
    expect(schemaDraft({ $schema: "http://json-schema.org/draft-07/schema#" })).toBe("7");
    expect(schemaDraft({ $schema: "https://json-schema.org/draft/2019-09/schema" })).toBe("2019-09");
    expect(schemaDraft({ $schema: "https://json-schema.org/draft/2020-12/schema" })).toBe("2020-12");
  });
});

describe("the loader with validateFilterConfigSchema", () => {
  const catalog: FilterCatalog = new Map([["greeting", { name: "greeting", meta: { config_schema: GREETING_SCHEMA } }]]);
  const load = (text: string) =>
    loadDeclarativeConfig(text, { fileName: "kong.yml", filters: catalog, filtersDir: "./filters", validateFilterConfig: validateFilterConfigSchema });

  it("fails a config that breaks the schema with the path, the line and the schema's message", () => {
    const text = [
      '_format_version: "3.0"',
      "services:",
      "  - name: demo",
      "    url: http://upstream.test",
      "    filter_chains:",
      "      - filters:",
      "          - name: greeting",
      "            config:",
      "              greeting: hello",
    ].join("\n");
    let error: unknown;
    try {
      load(text);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      { path: "services[0].filter_chains[0].filters[0].config", line: 9, message: 'property "my_greeting" is required' },
    ]);
    expect((error as ConfigError).message).toBe('kong.yml:9 services[0].filter_chains[0].filters[0].config: property "my_greeting" is required');
  });

  it("passes a valid JSON config to the filter as JSON text", () => {
    const config = load(`
_format_version: "3.0"
services:
  - name: demo
    url: http://upstream.test
    filter_chains:
      - filters: [{ name: greeting, config: { my_greeting: "hello" } }]
`);
    expect(config.services[0].filterChain?.filters[0].config).toBe('{"my_greeting":"hello"}');
  });

  it("validates a missing config as null", () => {
    expect(() => load(`
_format_version: "3.0"
services:
  - name: demo
    url: http://upstream.test
    filter_chains: [{ filters: [{ name: greeting }] }]
`)).toThrow(/filters\[0\]\.config: wrong type: expected object, got null/);
  });

  it("is the hook's shape", () => {
    expect(validateFilterConfigSchema({}, { type: "object" }, { name: "x" })).toEqual([]);
  });
});
