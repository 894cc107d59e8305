/**
 * What a filter may put in a header (RFC 9110 §5.1, §5.5): a name is a token (pseudo-headers are
 * `:` and a token), a value has no control characters but tab and is a byte string. Checked where
 * filters write headers, so nothing invalid reaches `fetch` or the client.
 * @module
 */
import type { HeaderPair } from "./pairs.ts";

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const WIDE = /[^\u0000-\u00ff]/;

/** Why `name` cannot be a header name, or null when it can. */
export function headerNameProblem(name: string): string | null {
  const token = name.startsWith(":") ? name.slice(1) : name;
  return TOKEN.test(token) ? null : `invalid header name ${JSON.stringify(name)}`;
}

/** Why `value` cannot be the value of `name`, or null when it can. */
export function headerValueProblem(name: string, value: string): string | null {
  if (CONTROL.test(value)) return `header ${name}: the value contains a control character`;
  if (WIDE.test(value)) return `header ${name}: the value is not a byte string`;
  if (name === ":status" && !/^[1-5][0-9][0-9]$/.test(value)) return `:status ${JSON.stringify(value)} is not a status code`;
  return null;
}

/** The first problem of a list of pairs, or null. */
export function pairsProblem(pairs: readonly HeaderPair[]): string | null {
  for (const [name, value] of pairs) {
    const problem = headerNameProblem(name) ?? headerValueProblem(name, value);
    if (problem !== null) return problem;
  }
  return null;
}
