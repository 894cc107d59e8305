/**
 * Reads the declarative config file and hands it to the config loader with the filters folder
 * as its catalog. Everything about the document itself (schema, lines, paths) is `config/`'s job.
 * @module
 */
import { readFile } from "node:fs/promises";
import type { GatewayConfig } from "../config/model.ts";
import { formatIssue } from "../config/errors.ts";
import { validateFilterConfigSchema } from "../config/filter-schema.ts";
import { loadDeclarativeConfig } from "../config/load.ts";
import { CliError } from "./cli-error.ts";
import type { FiltersFolder } from "./filters-folder.ts";

/**
 * Loads `configPath` against `filters`.
 * @throws CliError when the file cannot be read; the loader's ConfigError when the document is wrong.
 */
export async function readGatewayConfig(configPath: string, filters: FiltersFolder, filtersDir: string): Promise<GatewayConfig> {
  let text: string;
  try {
    text = await readFile(configPath, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new CliError(`declarative config '${configPath}' not found`);
    if (code === "EISDIR") throw new CliError(`declarative config '${configPath}' is a directory, not a file`);
    throw new CliError(`cannot read declarative config '${configPath}': ${(error as Error).message}`);
  }
  return loadDeclarativeConfig(text, {
    fileName: configPath,
    filters,
    filtersDir,
    validateFilterConfig: validateFilterConfigSchema,
    // What a Kong export holds that the gateway does not run is named, not fatal.
    onWarning: (warning) => console.warn(`warning: ${formatIssue(configPath, warning)}`),
  });
}

/** Names of the filters the config's chains and filter plugins use, enabled or not, in order of first appearance. */
export function usedFilterNames(config: GatewayConfig): string[] {
  const names = new Set<string>();
  for (const owner of [...config.services, ...config.routes]) {
    for (const entry of owner.filterChain?.filters ?? []) names.add(entry.name);
    for (const plugin of owner.filterPlugins ?? []) names.add(plugin.filter.name);
  }
  return [...names];
}
