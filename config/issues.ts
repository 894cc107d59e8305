/**
 * Collects issues while validating, so one run reports every problem of a document.
 * @module
 */
import type { ConfigIssue } from "./errors.ts";
import { formatPath, type DocPath } from "./doc-path.ts";
import type { YamlSource } from "./yaml-source.ts";

/** Accumulates issues with their path and source line. */
export class IssueCollector {
  readonly #source: Pick<YamlSource, "lineOf">;
  readonly #issues: ConfigIssue[] = [];
  readonly #warnings: ConfigIssue[] = [];

  constructor(source: Pick<YamlSource, "lineOf">) {
    this.#source = source;
  }

  /** Records a problem at `path`; `key` points the line at the map key rather than its value. */
  add(path: DocPath, message: string, options?: { key?: boolean }): void {
    this.#issues.push({ path: formatPath(path), line: this.#source.lineOf(path, options), message });
  }

  /** The line of `path`, for messages that point at another place ("first declared at line 3"). */
  lineOf(path: DocPath): number | null {
    return this.#source.lineOf(path);
  }

  /**
   * Records something the gateway reads past without failing (an entity it does not support),
   * so the operator hears about it with its path and line.
   */
  warn(path: DocPath, message: string, options?: { key?: boolean }): void {
    this.#warnings.push({ path: formatPath(path), line: this.#source.lineOf(path, options), message });
  }

  /** Warnings in document order. */
  warnings(): ConfigIssue[] {
    return [...this.#warnings].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  }

  get count(): number {
    return this.#issues.length;
  }

  /** Issues in document order (by line), keeping discovery order within a line. */
  list(): ConfigIssue[] {
    return this.#issues
      .map((issue, index) => ({ issue, index }))
      .sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0) || a.index - b.index)
      .map(({ issue }) => issue);
  }
}
