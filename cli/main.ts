/**
 * The `proxy-wasm-workers` command line: `build | dev | serve | init`, and the filter-author commands
 * (`check`, `run`, `test`, `playground`).
 * @module
 */
import { runAuthorCommand } from "./author-commands.ts";
import { AUTHOR_COMMANDS, AUTHOR_USAGE, parseAuthorCommand, type AuthorCommand } from "./author-options.ts";
import { CliError, isConfigError } from "./cli-error.ts";
import { commandUsage, parseCommandLine, USAGE } from "./options.ts";

// build, dev and serve load binaryen (tens of seconds on a busy machine), so each command
// imports what it needs only when it runs.

/**
 * Runs one command line and returns the exit status. User mistakes (bad config, missing files,
 * broken filters) print one message and return 1; anything else also prints its stack.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    if (AUTHOR_COMMANDS.includes(argv[0] ?? "")) {
      if (argv.includes("--help") || argv.includes("-h")) {
        process.stdout.write(AUTHOR_USAGE);
        return 0;
      }
      return await runAuthorCommand(parseAuthorCommand(argv[0] as AuthorCommand, argv.slice(1)));
    }
    const invocation = parseCommandLine(argv, env);
    switch (invocation.command) {
      case "help":
        process.stdout.write(invocation.of ? commandUsage(invocation.of) : USAGE);
        return 0;
      case "build": {
        const { build } = await import("./build.ts");
        const result = await build(invocation.options);
        const filters = result.filters.length > 0 ? result.filters.join(", ") : "none";
        console.log(`proxy-wasm-workers built ${invocation.options.config} into ${result.outDir} (filters: ${filters})`);
        return 0;
      }
      case "dev":
        return await (await import("./dev.ts")).dev(invocation.options);
      case "serve":
        return await (await import("./serve.ts")).serve(invocation.options);
      case "init": {
        const { init } = await import("./init.ts");
        const written = await init(invocation.options);
        console.log(`proxy-wasm-workers wrote a starting project into ${written.dir}:\n  ${written.files.join("\n  ")}`);
        console.log(`next:\n  ${written.dir === "." ? "" : `cd ${written.dir} && `}npm install && npm start`);
        return 0;
      }
    }
  } catch (error) {
    if (isConfigError(error)) {
      // Starts with file:line, which terminals and editors make clickable.
      console.error(error.message);
    } else if (error instanceof CliError) {
      console.error(`proxy-wasm-workers: ${error.message}`);
    } else {
      console.error("proxy-wasm-workers: unexpected error:", error);
    }
    return 1;
  }
}
