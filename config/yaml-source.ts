/**
 * Parses YAML (and therefore JSON) text once and answers "which line is this document path
 * on?", so validation can work on plain values and still point at the source.
 * @module
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { Document, Node } from "yaml";
import type { ConfigIssue } from "./errors.ts";

import type { DocPath } from "./doc-path.ts";

export { formatPath, type DocPath } from "./doc-path.ts";

/** The parsed document and its line lookup. */
export interface YamlSource {
  /** The document as plain JavaScript values (`undefined` for an empty document). */
  value: unknown;
  /**
   * Line of the node at `path`. With `key`, the line of the map key (useful for "unknown
   * field"). A path that does not exist answers with its nearest existing ancestor.
   */
  lineOf(path: DocPath, options?: { key?: boolean }): number | null;
}


/**
 * Parses `text` (JSON is YAML too; `syntax` names the language in messages: a `.json` file's
 * mistakes are JSON syntax errors to its author). Syntax errors come back as issues (with lines) instead of a source,
 * because nothing sensible can be validated in a document the parser gave up on.
 */
export function parseYamlSource(text: string, syntax: "YAML" | "JSON" = "YAML"): { source: YamlSource } | { issues: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      issues: doc.errors.map((error) => ({
        path: "",
        line: lineCounter.linePos(error.pos[0]).line,
        message: `${syntax} syntax error: ${error.message}`,
      })),
    };
  }
  const lineAt = (offset: number | undefined): number | null =>
    offset === undefined ? null : lineCounter.linePos(offset).line;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 }) ?? undefined;
  } catch (error) {
    // Aliases are resolved here, not by the parser: `*name` without an `&name`, or an alias
    // bomb past maxAliasCount, only fails now.
    return { issues: [{ path: "", line: null, message: `${syntax} syntax error: ${(error as Error).message}` }] };
  }
  return {
    source: {
      value,
      lineOf: (path, options) => lineOf(doc, path, options?.key === true, lineAt),
    },
  };
}

function lineOf(
  doc: Document,
  path: DocPath,
  wantKey: boolean,
  lineAt: (offset: number | undefined) => number | null,
): number | null {
  let node: unknown = doc.contents;
  let best: number | null = nodeLine(node, lineAt);
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const segment = path[i];
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment));
      if (!pair) return best;
      const keyLine = nodeLine(pair.key, lineAt);
      if (last && wantKey) return keyLine ?? best;
      // An empty value (`config:`) has no useful position of its own: the key's line is the answer.
      const valueLine = pair.value === null ? null : nodeLine(pair.value, lineAt);
      best = valueLine ?? keyLine ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (item === undefined) return best;
      best = nodeLine(item, lineAt) ?? best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function nodeLine(node: unknown, lineAt: (offset: number | undefined) => number | null): number | null {
  const range = (node as Node | null | undefined)?.range;
  return range ? lineAt(range[0]) : null;
}
