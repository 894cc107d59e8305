import { defineConfig } from "vitest/config";
import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { quietRuntimeTeardown } from "./test/setup/runtime-noise.ts";

quietRuntimeTeardown();

export default defineConfig({
  test: {
    // The metering transform probes feature sets on purpose with validations that fail; binaryen
    // prints those through the console it bound at load (metering/binaryen-output.ts captures
    // them outside vitest, whose console it cannot reach).
    onConsoleLog: (log: string) => !log.includes("[wasm-validator error"),
    // What a passing test logged (filters' info lines, the errors a failure test provokes on
    // purpose) stays out of the output; a failing test's logs are printed with its failure.
    silent: "passed-only",
    projects: [
      {
        test: {
          name: "node",
          include: ["test/unit/**/*.test.ts", "test/e2e/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
        },
      },
      {
        plugins: [cloudflareTest({ wrangler: { configPath: "./test/workers/wrangler.toml" } })],
        test: {
          name: "workers",
          // The example Hono app's own test runs here too, against the real filters.
          include: ["test/workers/**/*.test.ts", "examples/hono-app/test/**/*.test.ts"],
          globalSetup: ["test/setup/echo-upstream.ts"],
          testTimeout: 20_000,
        },
      },
    ],
  },
});
