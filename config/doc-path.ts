/**
 * Paths into a config document and how users read them. Apart from the YAML parser, so what
 * validates values without a document (the `proxyWasm()` options) does not bundle it.
 * @module
 */

/** A path into the document: map keys and sequence indexes. */
export type DocPath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Formats a path the way users read it: `services[0].routes[1].paths[0]`. */
export function formatPath(path: DocPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
