/**
 * A chain given as a value rather than a document: the `chain` option of the `proxyWasm()` Hono
 * middleware. Its entries are read by the same reader as a kong.yml chain's filters, so they
 * take the same fields and get the same checks; paths read `chain[1].config`.
 * @module
 */
import { acceptAnyFilterConfig, type FilterConfigValidator, type LoadContext } from "./context.ts";
import type { IssueCollector } from "./issues.ts";
import type { FilterCatalog, FilterEntry } from "./model.ts";
import { readFilterEntry } from "./validate-filter-chain.ts";
import type { DocPath } from "./doc-path.ts";

/** One entry of the chain as read, with the index it had in the option. */
export interface ChainOptionEntry {
  index: number;
  entry: FilterEntry;
}

/**
 * Reads `value` (the option at `path`) as a non-empty list of filter entries. Problems go to
 * `issues`; entries that could not be read are left out.
 */
export function readChainOption(
  issues: IssueCollector,
  path: DocPath,
  value: unknown,
  filters: FilterCatalog,
  validateFilterConfig: FilterConfigValidator = acceptAnyFilterConfig,
): ChainOptionEntry[] {
  const names = [...filters.keys()].join(", ");
  const ctx: LoadContext = { issues, filters, filtersDir: `{ ${names} } of the filters option`, validateFilterConfig };
  if (value === undefined || value === null) {
    issues.add(path, "required option missing");
    return [];
  }
  if (!Array.isArray(value)) {
    issues.add(path, "expected an array of filter entries");
    return [];
  }
  if (value.length === 0) issues.add(path, "length must be at least 1");
  const entries: ChainOptionEntry[] = [];
  value.forEach((item: unknown, index) => {
    const entry = readFilterEntry(ctx, [...path, index], item);
    if (entry) entries.push({ index, entry });
  });
  return entries;
}
