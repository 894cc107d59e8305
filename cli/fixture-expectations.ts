/**
 * Compares what an offline run produced with what a fixture expects, as a list of mismatches in
 * words (empty: the case passed). Free of Node APIs.
 * @module
 */
import type { Expectations, HeaderExpectations } from "./fixture-format.ts";
import type { OfflineResult } from "./offline-request.ts";

const show = (value: unknown) => JSON.stringify(value);

function headerMismatches(where: string, actual: readonly [string, string][], expected: HeaderExpectations | undefined): string[] {
  if (!expected) return [];
  const problems: string[] = [];
  for (const [name, value] of Object.entries(expected)) {
    const found = actual.find(([n]) => n === name)?.[1];
    if (value === null && found !== undefined) problems.push(`${where}.headers.${name}: expected absent, got ${show(found)}`);
    else if (value !== null && found !== value) problems.push(`${where}.headers.${name}: expected ${show(value)}, got ${found === undefined ? "absent" : show(found)}`);
  }
  return problems;
}

/** A log expectation: `/regex/` or a substring. */
function logMatcher(pattern: string): (line: string) => boolean {
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(pattern);
  if (regex) {
    const compiled = new RegExp(regex[1], regex[2]);
    return (line) => compiled.test(line);
  }
  return (line) => line.includes(pattern);
}

/** Every way `result` differs from `expect`. */
export function mismatches(result: OfflineResult, expect: Expectations): string[] {
  const problems: string[] = [];
  if (expect.failure === undefined || expect.failure === false) {
    if (result.failure !== null) problems.push(`the filter failed: ${result.failure}`);
  } else if (result.failure === null) {
    problems.push("expected the filter to fail, it did not");
  } else if (typeof expect.failure === "string" && !result.failure.includes(expect.failure)) {
    problems.push(`failure: expected a reason containing ${show(expect.failure)}, got ${show(result.failure)}`);
  }
  if (expect.upstreamRequest === null && result.upstreamRequest !== null) problems.push("upstream_request: expected none, the request reached the upstream");
  if (expect.upstreamRequest) {
    const actual = result.upstreamRequest;
    if (actual === null) problems.push("upstream_request: expected one, the request never reached the upstream");
    else {
      const e = expect.upstreamRequest;
      if (e.method !== undefined && e.method !== actual.method) problems.push(`upstream_request.method: expected ${show(e.method)}, got ${show(actual.method)}`);
      if (e.path !== undefined && e.path !== actual.path) problems.push(`upstream_request.path: expected ${show(e.path)}, got ${show(actual.path)}`);
      if (e.body !== undefined && e.body !== actual.body) problems.push(`upstream_request.body: expected ${show(e.body)}, got ${show(actual.body)}`);
      problems.push(...headerMismatches("upstream_request", actual.headers, e.headers));
    }
  }
  if (expect.response) {
    const e = expect.response;
    const actual = result.response;
    if (e.status !== undefined && e.status !== actual.status) problems.push(`response.status: expected ${e.status}, got ${actual.status} (${actual.source.replace("_", " ")})`);
    if (e.body !== undefined && e.body !== actual.body) problems.push(`response.body: expected ${show(e.body)}, got ${show(actual.body)}`);
    problems.push(...headerMismatches("response", actual.headers, e.headers));
  }
  if (expect.logs) {
    let from = 0;
    for (const pattern of expect.logs) {
      const matches = logMatcher(pattern);
      const index = result.logs.findIndex((line, i) => i >= from && matches(line.message));
      if (index < 0) {
        problems.push(`logs: no line matching ${show(pattern)}${from > 0 ? " after the previous expected line" : ""} (logged: ${show(result.logs.map((l) => l.message))})`);
        break;
      }
      from = index + 1;
    }
  }
  return problems;
}
