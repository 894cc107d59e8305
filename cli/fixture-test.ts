/**
 * `proxy-wasm-workers test FIXTURE.yaml…`: runs every request of every fixture offline through
 * its filter (a fresh VM per request) and checks the expectations. Prints a line per request
 * and ends with the plain line `N passed, M failed`; exits 1 when anything failed. A fixture
 * that cannot be read counts as one failure.
 * @module
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import { mismatches } from "./fixture-expectations.ts";
import { FixtureError, parseFixture, type Fixture } from "./fixture-format.ts";
import { runOffline } from "./offline-request.ts";

/** What a test run counted. */
export interface TestTally {
  passed: number;
  failed: number;
}

/** Runs the fixture files, writing the report to `out`; answers the tally. */
export async function runFixtureFiles(files: readonly string[], out: (line: string) => void): Promise<TestTally> {
  const tally: TestTally = { passed: 0, failed: 0 };
  for (const file of files) {
    out(file);
    let fixture: Fixture;
    let module: WebAssembly.Module;
    try {
      fixture = parseFixture(await readFile(file, "utf8"));
      const filterPath = resolve(dirname(file), fixture.filter);
      try {
        module = await WebAssembly.compile(await readFile(filterPath));
      } catch (error) {
        throw new FixtureError(`filter ${fixture.filter}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    } catch (error) {
      if (!(error instanceof FixtureError) && (error as NodeJS.ErrnoException).code === undefined) throw error;
      out(`  ✗ ${error instanceof FixtureError ? error.message : `cannot read it: ${(error as NodeJS.ErrnoException).code}`}`);
      tally.failed++;
      continue;
    }
    for (const testCase of fixture.cases) {
      const result = await runOffline({
        filter: basename(fixture.filter).replace(/\.wasm$/, ""),
        module,
        config: fixture.config,
        rootId: fixture.rootId,
        vmConfig: fixture.vmConfig,
        request: testCase.request,
        upstream: testCase.upstream,
        callout: testCase.callout,
        ticks: testCase.ticks,
        logLevel: fixture.logLevel,
      });
      const problems = mismatches(result, testCase.expect);
      if (problems.length === 0) {
        tally.passed++;
        out(`  ✓ ${testCase.name}`);
      } else {
        tally.failed++;
        out(`  ✗ ${testCase.name}`);
        for (const problem of problems) out(`      ${problem}`);
      }
    }
  }
  out(`${tally.passed} passed, ${tally.failed} failed`);
  return tally;
}

/** The `test` command: exit 0 when every request passed, else 1. */
export async function testCommand(options: { files: string[] }): Promise<number> {
  const tally = await runFixtureFiles(options.files, (line) => process.stdout.write(`${line}\n`));
  return tally.failed === 0 ? 0 : 1;
}
