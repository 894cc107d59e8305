// `import { main } from "proxy-wasm-workers/cli"`: the command line as a function, for scripts
// and tools. The CLI is TypeScript; tsx loads it for this import only (no process-wide hook).
import { tsImport } from "tsx/esm/api";

const cli = await tsImport("./main.ts", import.meta.url);

/** @type {import("./api.d.mts").main} */
export const main = cli.main;
