// Builds the project's filters and the WAT test guests:
//   filters/<name>/assembly/index.ts  → build/filters/<name>.wasm
//   test/fixtures/guests/<name>.wat   → build/guests/<name>.wasm
// Run with `npx tsx filters/build.ts` (also `npm run build:filters`, which
// `npm test` runs first, so unchanged outputs are reused). npm's `prepare` builds the example's
// filter at `npm install` (`--only greeting --optional`), so `npm start` finds it up to date.
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { compileAssemblyScriptFilter } from "./build-assemblyscript.ts";
import { filesBelow, isUpToDate } from "./build-freshness.ts";
import { compileWatGuest } from "./build-wat.ts";
import { bufferSwitchModuleBytes } from "../abi/buffer-switch-module.ts";

const repoRoot = dirname(dirname(fileURLToPath(import.meta.url)));
const filtersDir = join(repoRoot, "filters");
const guestsDir = join(repoRoot, "test/fixtures/guests");

// A change to any build script or to the installed packages rebuilds all.
const sharedInputs = [
  ...readdirSync(filtersDir).filter((f) => /^build.*\.ts$/.test(f)).map((f) => join(filtersDir, f)),
  join(repoRoot, "node_modules/.package-lock.json"),
];

interface Target {
  output: string;
  inputs: string[];
  compile: () => Promise<number>;
}

function assemblyScriptTargets(): Target[] {
  return readdirSync(filtersDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(filtersDir, entry.name, "assembly/index.ts")))
    .map((entry) => {
      const dir = join(filtersDir, entry.name);
      const output = join(repoRoot, "build/filters", `${entry.name}.wasm`);
      return {
        output,
        inputs: [...filesBelow(join(dir, "assembly")), ...sharedInputs],
        compile: () => compileAssemblyScriptFilter(repoRoot, join(dir, "assembly/index.ts"), output),
      };
    });
}

function watTargets(): Target[] {
  if (!existsSync(guestsDir)) return [];
  return readdirSync(guestsDir)
    .filter((file) => file.endsWith(".wat"))
    .map((file) => {
      const source = join(guestsDir, file);
      const output = join(repoRoot, "build/guests", file.replace(/\.wat$/, ".wasm"));
      return { output, inputs: [source, ...sharedInputs], compile: () => compileWatGuest(source, output) };
    });
}

async function main(): Promise<void> {
  // `--only greeting,...` builds just those filters (npm start needs only the example's).
  const onlyArg = process.argv.indexOf("--only");
  const only = onlyArg >= 0 ? new Set(process.argv[onlyArg + 1]?.split(",")) : null;
  // The gateway's own buffer switch, which the tests' gateways bundle like the build does.
  const switchOut = join(repoRoot, "build/runtime/buffer-switch.wasm");
  mkdirSync(dirname(switchOut), { recursive: true });
  writeFileSync(switchOut, bufferSwitchModuleBytes());
  const all = [...assemblyScriptTargets(), ...watTargets()];
  const targets = only === null ? all : all.filter((target) => only.has(basename(target.output, ".wasm")));
  for (const target of targets) {
    const name = relative(repoRoot, target.output);
    if (isUpToDate(target.output, target.inputs)) {
      console.log(`${name} ${statSync(target.output).size} bytes (up to date)`);
      continue;
    }
    const size = await target.compile();
    console.log(`${name} ${size} bytes`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  // `--optional` (npm's prepare): the install goes on, and `npm start` builds it again.
  if (process.argv.includes("--optional")) {
    console.error("the filter build failed; npm start will try again");
    process.exit(0);
  }
  process.exit(1);
});
