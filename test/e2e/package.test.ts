/**
 * The package as another project gets it: `npm pack` of this repository, installed into a new
 * Hono app and into a project `init` wrote, and the clone's folder installed by path, then used
 * the way their README says.
 *
 * Offline: npm cannot resolve the package's dependencies (wrangler, miniflare, hono …) without
 * the registry, so each project starts from a hard-linked copy of this repository's
 * node_modules (instant, no bytes copied) and installs the tarball with `--offline
 * --legacy-peer-deps`; npm then only unpacks the tarball, links its bin and prunes what the
 * project does not use.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { rmSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILT_FILTERS, ensureBuiltFilters } from "./support/built-filters.ts";
import { freePort, REPO_ROOT, startCommand, type BackgroundCli } from "./support/cli-process.ts";

/** npm without the network, quiet, whatever the user's npm config says. */
const NPM_ENV = { ...process.env, npm_config_offline: "true", npm_config_audit: "false", npm_config_fund: "false", npm_config_update_notifier: "false" };
const WRANGLER_ENV = { ...process.env, WRANGLER_SEND_METRICS: "false" };

function run(command: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = NPM_ENV, timeoutMs = 120_000): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout: timeoutMs });
  if (result.error) throw result.error;
  return result;
}

function succeeded(result: SpawnSyncReturns<string>, what: string): string {
  if (result.status !== 0) throw new Error(`${what} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

/** Files of node_modules that npm (its hidden lockfile) and tools (caches) write in place. */
const NOT_SHARED = [".package-lock.json", ".cache", ".vite", ".vite-temp"];

/**
 * Installs `spec` (a tarball, or the clone's folder, which npm links) into `project` offline,
 * from a hard-linked copy of the repository's node_modules (see the file comment); returns how
 * long npm took, in ms.
 */
function installOffline(project: string, spec: string): number {
  const from = join(REPO_ROOT, "node_modules");
  // Hard links need one filesystem; elsewhere a real copy (slower, same result).
  if (run("cp", ["-al", from, join(project, "node_modules")], project).status !== 0) {
    rmSync(join(project, "node_modules"), { recursive: true, force: true });
    succeeded(run("cp", ["-a", from, join(project, "node_modules")], project), "copying node_modules");
  }
  // What npm or the tools rewrite in place would write through a hard link into this
  // repository's node_modules: the copy gets files of its own instead.
  for (const own of NOT_SHARED) rmSync(join(project, "node_modules", own), { recursive: true, force: true });
  const started = performance.now();
  succeeded(run("npm", ["install", "--offline", "--legacy-peer-deps", "--no-audit", "--no-fund", spec], project), `npm install ${spec}`);
  return performance.now() - started;
}

const APP_SOURCE = `import { Hono } from "hono";
import { proxyWasm, type ProxyWasmOptions } from "proxy-wasm-workers/hono";
import greeting from "./greeting.wasm";

const options: ProxyWasmOptions = {
  filters: { greeting },
  chain: [{ name: "greeting", config: '{"my_greeting": "Hello from an installed package"}' }],
};

const app = new Hono();
app.use("/api/*", proxyWasm(options));
app.get("/api/hello", (c) => c.json({ hello: "world" }));
app.get("/", (c) => c.text("home"));
export default app;
`;

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "ESNext",
    moduleResolution: "Bundler",
    lib: ["ES2023"],
    types: ["@cloudflare/workers-types"],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
  include: ["src"],
};

let work: string;
let tarball: string;
/** This repository's hidden lockfile before the installs, which must leave it as it was. */
let hiddenLockfile: string;
/** The Hono app that installed the tarball, and how long npm took. */
let app: string;
let installMs: number;

/** A Hono app of its own: package.json, an app on /api/*, its filter, tsconfig, wrangler.toml. */
async function writeHonoApp(dir: string): Promise<void> {
  await mkdir(join(dir, "src"), { recursive: true });
  const manifest = {
    name: "my-hono-app",
    private: true,
    type: "module",
    dependencies: { hono: "4.13.19" },
    devDependencies: { "@cloudflare/workers-types": "4.20260702.1", typescript: "5.9.3", wrangler: "4.86.0" },
  };
  await writeFile(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  await writeFile(join(dir, "src", "index.ts"), APP_SOURCE);
  await writeFile(join(dir, "src", "wasm.d.ts"), 'declare module "*.wasm" {\n  const module: WebAssembly.Module;\n  export default module;\n}\n');
  await copyFile(join(BUILT_FILTERS, "greeting.wasm"), join(dir, "src", "greeting.wasm"));
  await writeFile(join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  await writeFile(join(dir, "wrangler.toml"), 'name = "my-hono-app"\nmain = "src/index.ts"\ncompatibility_date = "2026-04-20"\n');
}

beforeAll(async () => {
  hiddenLockfile = await readFile(join(REPO_ROOT, "node_modules", ".package-lock.json"), "utf8");
  ensureBuiltFilters();
  work = await mkdtemp(join(tmpdir(), "pww-package-"));
  // What `npm pack` runs as prepack (the declarations; the greeting filter is built above),
  // run here so the pack itself can skip scripts.
  succeeded(run(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.types.json"], REPO_ROOT), "tsc declarations");
  const packed = succeeded(run("npm", ["pack", "--ignore-scripts", "--pack-destination", work], REPO_ROOT), "npm pack");
  tarball = join(work, packed.trim().split("\n").at(-1)!);
  app = join(work, "my-hono-app");
  await writeHonoApp(app);
  installMs = installOffline(app, tarball);
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  expect(await readFile(join(REPO_ROOT, "node_modules", ".package-lock.json"), "utf8"), "this repository's node_modules/.package-lock.json").toBe(hiddenLockfile);
});

describe("a Hono app that installs the package", () => {
  it("installs from the packed tarball offline in well under a minute", async () => {
    console.log(`npm install --offline of the packed tarball: ${Math.round(installMs)} ms`);
    expect(installMs).toBeLessThan(60_000);
    const installed = JSON.parse(await readFile(join(app, "node_modules/proxy-wasm-workers/package.json"), "utf8")) as { name: string };
    expect(installed.name).toBe("proxy-wasm-workers");
  });

  it("type-checks the app against the package's declarations, which catch a misspelt chain field", async () => {
    succeeded(run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."], app), "tsc --noEmit of the app");
    await writeFile(join(app, "src", "mistake.ts"), 'import { proxyWasm } from "proxy-wasm-workers/hono";\nproxyWasm({ filters: {}, chain: [{ nmae: "greeting" }] });\n');
    try {
      const failed = run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."], app);
      expect(failed.status).not.toBe(0);
      expect(failed.stdout).toMatch(/src\/mistake\.ts.*'nmae' does not exist in type 'ChainEntryOption'/);
    } finally {
      await rm(join(app, "src", "mistake.ts"));
    }
  }, 60_000);

  it("runs npx proxy-wasm-workers --help from the app's folder", () => {
    const help = run("npx", ["proxy-wasm-workers", "--help"], app);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: proxy-wasm-workers <command> [options]");
    expect(help.stdout).toContain("init [DIR]");
  }, 60_000);

  describe("under wrangler dev", () => {
    let dev: BackgroundCli | undefined;
    let base: string;

    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      const wrangler = join(app, "node_modules/wrangler/bin/wrangler.js");
      dev = startCommand(process.execPath, [wrangler, "dev", "--ip", "127.0.0.1", "--port", String(port), "--show-interactive-dev-session=false"], app, WRANGLER_ENV);
      await dev.waitFor(/Ready on/i, 120_000);
    }, 150_000);

    afterAll(async () => {
      await dev?.stop();
    });

    it("adds the filter's header to the handler's responses under /api/* and leaves other paths untouched", async () => {
      const api = await fetch(`${base}/api/hello`, { signal: AbortSignal.timeout(30_000) });
      expect(api.status).toBe(200);
      expect(api.headers.get("x-greeting")).toBe("Hello from an installed package");
      expect(await api.json()).toEqual({ hello: "world" });
      const home = await fetch(`${base}/`, { signal: AbortSignal.timeout(30_000) });
      expect(await home.text()).toBe("home");
      expect(home.headers.get("x-greeting")).toBeNull();
    }, 60_000);
  });
});

describe("a Hono app that installs the package from the clone's path", () => {
  let linked: string;

  beforeAll(async () => {
    linked = join(work, "linked-app");
    await writeHonoApp(linked);
    installOffline(linked, REPO_ROOT);
  }, 120_000);

  it("links the clone, type-checks against its declarations, bundles with wrangler and runs its CLI", async () => {
    succeeded(run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "."], linked), "tsc --noEmit of the app");
    const bundled = run(process.execPath, ["node_modules/wrangler/bin/wrangler.js", "deploy", "--dry-run", "--outdir", "dist"], linked, WRANGLER_ENV);
    expect(bundled.status, bundled.stderr).toBe(0);
    expect(await readFile(join(linked, "dist", "index.js"), "utf8")).toContain("proxyWasm");
    const help = run("npx", ["proxy-wasm-workers", "--help"], linked);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain("Usage: proxy-wasm-workers <command> [options]");
  }, 120_000);
});

describe("a project written by init", () => {
  let project: string;
  let start: BackgroundCli | undefined;

  afterAll(async () => {
    await start?.stop();
  });

  it("installs, and npm start answers the README's curl with the greeting filter's header", async () => {
    // The CLI as the Hono app installed it, run from the folder the new project goes into.
    succeeded(run(join(app, "node_modules/.bin/proxy-wasm-workers"), ["init", "my-gateway", "--package", `file:${tarball}`], work), "init");
    project = join(work, "my-gateway");
    for (const file of ["kong.yml", "filters/greeting.wasm", "wrangler.toml", "package.json", "README.md"]) {
      await expect(readFile(join(project, file))).resolves.toBeDefined();
    }
    installOffline(project, tarball);
    // Ports of our own on a shared machine: the README's 8787 and 9001 may be taken.
    const [gatewayPort, echoPort] = [await freePort(), await freePort()];
    const kongYml = await readFile(join(project, "kong.yml"), "utf8");
    await writeFile(join(project, "kong.yml"), kongYml.replaceAll("127.0.0.1:9001", `127.0.0.1:${echoPort}`));
    start = startCommand("npm", ["start", "--", "--port", String(gatewayPort), "--echo-upstream", String(echoPort)], project, NPM_ENV);
    await start.waitFor(/proxy-wasm-workers serving kong\.yml on/, 120_000);

    const response = await fetch(`http://127.0.0.1:${gatewayPort}/anything`, { signal: AbortSignal.timeout(30_000) });
    expect(response.status, start.output()).toBe(200);
    expect(response.headers.get("x-greeting")).toBe("Hello from Kong using WebAssembly!");
    expect(response.headers.get("via")).toMatch(/proxy-wasm-workers/);
    expect(await response.json()).toMatchObject({ method: "GET", path: "/anything" });
  }, 240_000);
});
