/**
 * The quick start (`npm start`): builds the example's filter, starts the echo upstream on 127.0.0.1:9001
 * and serves examples/kong.yml on http://127.0.0.1:8787 with workerd. Ctrl-C stops everything.
 *
 *     npm install && npm start
 *     curl -i http://127.0.0.1:8787/anything      # X-Greeting: Hello from Kong using WebAssembly!
 * @module
 */
import { createRequire } from "node:module";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { onTerminationSignals, startChild } from "../cli/child-process.ts";
import { CliError, isConfigError } from "../cli/cli-error.ts";
import { DEFAULT_OUT } from "../cli/options.ts";
import { startServer } from "../cli/serve.ts";
import { startEchoUpstream } from "../cli/echo-upstream.ts";

const UPSTREAM_PORT = 9001;
const GATEWAY_PORT = 8787;
const HOST = "127.0.0.1";

const root = fileURLToPath(new URL("../", import.meta.url));
/** Paths relative to the cwd, so messages read `examples/kong.yml`, not an absolute path. */
const fromHere = (path: string) => relative(process.cwd(), join(root, path)) || ".";

async function buildFilters(): Promise<void> {
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  // Only the example's filter: the test guests are for `npm test`.
  const build = startChild(process.execPath, [tsx, fromHere("filters/build.ts"), "--only", "greeting"]);
  const status = await build.exited;
  if (status !== 0) throw new CliError(`the filter build failed (exit status ${status})`);
}

async function quickstart(): Promise<number> {
  console.log("quickstart: building the example's filter (npm run build:filters builds them all)");
  await buildFilters();

  const upstream = await startEchoUpstream({ port: UPSTREAM_PORT, host: HOST }).catch((error: Error) => {
    throw new CliError(`cannot start the echo upstream on ${HOST}:${UPSTREAM_PORT}: ${error.message}`);
  });
  console.log(`quickstart: echo upstream on http://${HOST}:${UPSTREAM_PORT}`);

  let server;
  try {
    server = await startServer({
      config: fromHere("examples/kong.yml"),
      filters: fromHere("build/filters"),
      filtersExplicit: true,
      out: DEFAULT_OUT,
      ip: HOST,
      port: GATEWAY_PORT,
      verbose: false,
    });
  } catch (error) {
    await upstream.close();
    throw error;
  }
  const running = server;
  let stopping = false;
  const removeHandlers = onTerminationSignals(() => {
    stopping = true;
    running.stop("SIGTERM");
  });
  console.log(`proxy-wasm-workers serving examples/kong.yml on ${running.url}`);
  console.log(`try:  curl -i ${running.url}/anything        (Ctrl-C stops the gateway and the upstream)`);

  const status = await running.exited;
  removeHandlers();
  await upstream.close();
  return stopping ? 0 : status;
}

quickstart().then(
  (status) => process.exit(status),
  (error: unknown) => {
    if (isConfigError(error)) console.error(error.message);
    else if (error instanceof CliError) console.error(`quickstart: ${error.message}`);
    else console.error("quickstart: unexpected error:", error);
    process.exit(1);
  },
);
