/**
 * Kong route regexes (PCRE in `traditional`, Rust `regex` in `traditional_compatible`) as
 * JavaScript RegExps. `new RegExp` is allowed in workerd; only code generation is not.
 * @module
 */

/**
 * Translates the syntax differences that matter in practice: `(?P<name>` (Python/Rust named
 * group) becomes `(?<name>`; and an `(?i)` prefix becomes the `i` flag.
 */
export function toJsRegex(source: string, anchored: boolean): RegExp {
  let body = source.replace(/\(\?P</g, "(?<");
  let flags = "";
  if (body.startsWith("(?i)")) {
    body = body.slice(4);
    flags = "i";
  }
  return new RegExp(anchored ? `^(?:${body})` : body, flags);
}

/** Why `source` does not compile, or `null` when it does. */
export function regexProblem(source: string): string | null {
  try {
    toJsRegex(source, true);
    return null;
  } catch (error) {
    return `invalid regex: '${source}' (${(error as Error).message})`;
  }
}
