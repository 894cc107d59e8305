/**
 * Argument helpers shared by the filter-author commands.
 * @module
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { CliError } from "./cli-error.ts";

type Values = Record<string, string | string[] | boolean | undefined>;

/** parseArgs, strict, with a pointer to the help in its errors. */
export function parse(argv: readonly string[], options: ParseArgsConfig["options"]): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new CliError(`${(error as Error).message} (see "proxy-wasm-workers run --help")`);
  }
}

/** A whole number from `min` to `max`, or a CliError naming `flag`. */
export function integer(flag: string, text: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new CliError(`${flag} must be a number from ${min} to ${max}, got "${text}"`);
  return value;
}
