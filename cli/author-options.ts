/**
 * Command-line parsing of the filter-author commands (`check`, `run`, `test`, `playground`).
 * @module
 */
import { parse } from "./author-args.ts";
import { CliError } from "./cli-error.ts";
import { parseRunOptions, RUN_USAGE, type RunOptions } from "./run-options.ts";

export type AuthorCommand = "check" | "run" | "test";
/** The filter-author commands the CLI runs. */
export const AUTHOR_COMMANDS: readonly string[] = ["check", "run", "test"];

export interface CheckOptions {
  files: string[];
  json: boolean;
  config: string;
}

export type AuthorInvocation = { command: "check"; options: CheckOptions } | { command: "run"; options: RunOptions }
  | { command: "test"; options: { files: string[] } };

export const AUTHOR_USAGE = `Filter-author commands:
  check FILTER.wasm…   describe each module (ABI, toolchain, callbacks, imports, size, memory,
                       start time, metering); exit 1 when one is not a Proxy-Wasm module
      --config STRING  configuration for the start-up check (default: empty)
      --json           one JSON array of reports
${RUN_USAGE}  test FIXTURE.yaml…   run YAML fixtures (docs/filter-authors.md); ends with the line
                       "N passed, M failed"; exit 1 when one failed
`;

/** Parses the arguments after an author command's name. */
export function parseAuthorCommand(command: AuthorCommand, argv: readonly string[]): AuthorInvocation {
  switch (command) {
    case "check": {
      const { values, positionals } = parse(argv, { json: { type: "boolean" }, config: { type: "string" } });
      if (positionals.length === 0) throw new CliError("check needs at least one FILTER.wasm");
      return { command, options: { files: positionals, json: values.json === true, config: (values.config as string | undefined) ?? "" } };
    }
    case "run":
      return { command, options: parseRunOptions(argv) };
    case "test": {
      const { positionals } = parse(argv, {});
      if (positionals.length === 0) throw new CliError("test needs at least one FIXTURE.yaml");
      return { command, options: { files: positionals } };
    }
  }
}
