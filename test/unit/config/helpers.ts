/** Shared fixtures for the config tests. */
import { expect } from "vitest";
import { loadDeclarativeConfig } from "../../../config/load.ts";
import type { LoadOptions } from "../../../config/load.ts";
import { ConfigError } from "../../../config/errors.ts";
import type { ConfigIssue } from "../../../config/errors.ts";
import type { FilterCatalog, FilterInfo, GatewayConfig } from "../../../config/model.ts";

/** A filters folder with a plain-string filter, a schema filter and one with meta defaults. */
export const catalog: FilterCatalog = new Map<string, FilterInfo>([
  ["greeting", { name: "greeting" }],
  ["add_header", { name: "add_header" }],
  ["rate_limit", { name: "rate_limit", meta: { config_schema: { type: "object" } } }],
  [
    "as_filter",
    {
      name: "as_filter",
      meta: { root_id: "as_root", vm_config: "vm-defaults", env: { MODE: "meta", LEVEL: "1" }, failure_policy: "fail_open" },
    },
  ],
]);

/** Loads `text` as `kong.yml` with the test catalog. */
export function load(text: string, options: Partial<LoadOptions> = {}): GatewayConfig {
  return loadDeclarativeConfig(text, { fileName: "kong.yml", filters: catalog, filtersDir: "./filters", ...options });
}

/** Loads `text` expecting failure; returns the issues. */
export function issuesOf(text: string, options: Partial<LoadOptions> = {}): ConfigIssue[] {
  try {
    load(text, options);
  } catch (error) {
    if (error instanceof ConfigError) return [...error.issues];
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

/** Asserts the issues of `text`, each as `[line, path, message]`. */
export function expectIssues(text: string, expected: [number | null, string, string][], options: Partial<LoadOptions> = {}): void {
  expect(issuesOf(text, options).map((i) => [i.line, i.path, i.message])).toEqual(expected);
}

/** Loads `text` expecting failure; returns the formatted message. */
export function messageOf(text: string, options: Partial<LoadOptions> = {}): string {
  try {
    load(text, options);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error("expected the config to be rejected");
}

/** Joins lines into a YAML document (keeps line numbers in tests easy to count). */
export function yaml(...lines: string[]): string {
  return lines.join("\n") + "\n";
}
