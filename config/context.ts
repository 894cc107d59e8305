/**
 * What every entity validator needs: the issue list and the filters the build can bundle.
 * @module
 */
import type { FilterCatalog, FilterInfo, SharedStateScope } from "./model.ts";
import type { DocPath } from "./yaml-source.ts";
import type { IssueCollector } from "./issues.ts";

/**
 * Checks a filter's JSON `config` against the filter's `meta.config_schema`; returns the
 * problems found (empty = valid). The loader calls it only for filters that have a schema.
 */
export type FilterConfigValidator = (config: unknown, schema: unknown, filter: FilterInfo) => string[];

/** Accepts every configuration: the default until JSON Schema validation lands. */
export const acceptAnyFilterConfig: FilterConfigValidator = () => [];

/** Shared state of one `loadDeclarativeConfig` run. */
export interface LoadContext {
  issues: IssueCollector;
  filters: FilterCatalog;
  filtersDir: string;
  validateFilterConfig: FilterConfigValidator;
  /**
   * The `shared_state` each VM id (filter name) got first, and where: entries sharing a VM id
   * share its state, so they must agree. Created on first use.
   */
  sharedStates?: Map<string, { scope: SharedStateScope; path: DocPath }>;
}
