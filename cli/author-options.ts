/**
 * Command-line parsing of the filter-author commands (`check`, `run`, `test`, `playground`).
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CliError } from "./cli-error.ts";

export type AuthorCommand = "check";
/** The filter-author commands the CLI runs. */
export const AUTHOR_COMMANDS: readonly string[] = ["check"];

export interface CheckOptions {
  files: string[];
  json: boolean;
  config: string;
}

export type AuthorInvocation = { command: "check"; options: CheckOptions };

export const AUTHOR_USAGE = `Filter-author commands:
  check FILTER.wasm…   describe each module (ABI, toolchain, callbacks, imports, size, memory,
                       start time, metering); exit 1 when one is not a Proxy-Wasm module
      --config STRING  configuration for the start-up check (default: empty)
      --json           one JSON array of reports
`;

type Values = Record<string, string | string[] | boolean | undefined>;

/** parseArgs with the author usage in its errors. */
export function parse(argv: readonly string[], options: ParseArgsConfig["options"]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${AUTHOR_USAGE}`);
  }
}

/** Parses the arguments after an author command's name. */
export function parseAuthorCommand(command: AuthorCommand, argv: readonly string[]): AuthorInvocation {
  switch (command) {
    case "check": {
      const { values, positionals } = parse(argv, { json: { type: "boolean" }, config: { type: "string" } });
      if (positionals.length === 0) throw new CliError("check needs at least one FILTER.wasm");
      return { command, options: { files: positionals, json: values.json === true, config: (values.config as string | undefined) ?? "" } };
    }
  }
}

/** A whole number from `min` to `max`, or a CliError naming `flag`. */
export function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new CliError(`${flag} must be a number from ${min} to ${max}, got "${text}"`);
  return value;
}
