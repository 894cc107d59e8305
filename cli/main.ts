/**
 * The `proxy-wasm-workers` command line: `build | dev | serve`.
 * @module
 */
import { build } from "./build.ts";
import { CliError, isConfigError } from "./cli-error.ts";
import { dev } from "./dev.ts";
import { parseCommandLine, USAGE } from "./options.ts";
import { serve } from "./serve.ts";

/**
 * Runs one command line and returns the exit status. User mistakes (bad config, missing files,
 * broken filters) print one message and return 1; anything else also prints its stack.
 */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  try {
    const invocation = parseCommandLine(argv, env);
    switch (invocation.command) {
      case "help":
        process.stdout.write(USAGE);
        return 0;
      case "build": {
        const result = await build(invocation.options);
        const filters = result.filters.length > 0 ? result.filters.join(", ") : "none";
        console.log(`proxy-wasm-workers built ${invocation.options.config} into ${result.outDir} (filters: ${filters})`);
        return 0;
      }
      case "dev":
        return await dev(invocation.options);
      case "serve":
        return await serve(invocation.options);
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
