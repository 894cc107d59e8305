/**
 * Command-line parsing of the filter-author commands (`check`, `run`, `test`, `playground`).
 * @module
 */
import { integer, parse } from "./author-args.ts";
import { CliError } from "./cli-error.ts";
import type { PlaygroundOptions } from "./playground.ts";
import { parseRunOptions, RUN_USAGE, type RunOptions } from "./run-options.ts";

export type AuthorCommand = "check" | "run" | "test" | "playground";
/** The filter-author commands the CLI runs. */
export const AUTHOR_COMMANDS: readonly string[] = ["check", "run", "test", "playground"];

export interface CheckOptions {
  files: string[];
  json: boolean;
  config: string;
}

export type AuthorInvocation = { command: "check"; options: CheckOptions } | { command: "run"; options: RunOptions }
  | { command: "test"; options: { files: string[] } }
  | { command: "playground"; options: PlaygroundOptions };

export const AUTHOR_USAGE = `Filter-author commands:
  check FILTER.wasm…   describe each module (ABI, toolchain, callbacks, imports, size, memory,
                       start time, metering); exit 1 when one is not a Proxy-Wasm module
      --config STRING  configuration for the start-up check (default: empty)
      --json           one JSON array of reports
${RUN_USAGE}  test FIXTURE.yaml…   run YAML fixtures (docs/filter-authors.md); ends with the line
                       "N passed, M failed"; exit 1 when one failed
  playground           serve the browser playground (the filter runs in the browser)
      --port N         (default: 8788; 0 picks a free port)   --ip ADDR (default: 127.0.0.1)
      --out DIR        write the static site to DIR instead (deployable as static assets)
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
    case "playground": {
      const { values, positionals } = parse(argv, { port: { type: "string" }, ip: { type: "string" }, out: { type: "string" } });
      if (positionals.length > 0) throw new CliError(`unexpected argument "${positionals[0]}"`);
      const str = (name: string) => values[name] as string | undefined;
      return { command, options: { ip: str("ip") ?? "127.0.0.1", port: integer("--port", str("port") ?? "8788", 0, 65535), out: str("out") ?? null } };
    }
  }
}
