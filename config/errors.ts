/**
 * The one error type of `config/`: every problem found in a declarative config, each with
 * its document path and (when the source has lines) its line.
 * @module
 */

/** One problem in a config document. */
export interface ConfigIssue {
  /** Document path, e.g. `services[0].routes[1].filter_chains[0].filters[2].config` (`""` = the document). */
  path: string;
  /** 1-based line in the source text, or `null` when no line is known. */
  line: number | null;
  message: string;
}

/** Formats one issue as `kong.yml:12 services[0].name: expected a string`. */
export function formatIssue(fileName: string, issue: ConfigIssue): string {
  const where = issue.line === null ? fileName : `${fileName}:${issue.line}`;
  return issue.path === "" ? `${where} ${issue.message}` : `${where} ${issue.path}: ${issue.message}`;
}

/**
 * Thrown by the loader after it collected every issue of a document, so a user fixes
 * them all in one round instead of one per build.
 */
export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];
  readonly fileName: string;

  constructor(fileName: string, issues: readonly ConfigIssue[]) {
    super(issues.map((issue) => formatIssue(fileName, issue)).join("\n"));
    this.name = "ConfigError";
    this.fileName = fileName;
    this.issues = issues;
  }
}
