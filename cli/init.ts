/**
 * `proxy-wasm-workers init [DIR]`: a starting project of one's own — kong.yml, filters/ with the
 * greeting filter, wrangler.toml and package.json — that serves with `npm install && npm start`.
 * @module
 */
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { basename, join, relative, resolve, sep } from "node:path";
import { startChild } from "./child-process.ts";
import { COMPATIBILITY_DATE } from "./build.ts";
import { COMPATIBILITY_FLAGS } from "./workerd-config.ts";
import { CliError } from "./cli-error.ts";
import { pathExists } from "./path-exists.ts";
import { bundlingToml, stateObjectToml } from "./entry-source.ts";
import type { InitOptions } from "./options.ts";
import { PACKAGE_ROOT } from "./package-paths.ts";

/** Where `npm start` of the new project runs its echo upstream, which its kong.yml points at. */
const ECHO_PORT = 9001;
const GREETING_SOURCE = join(PACKAGE_ROOT, "build", "filters", "greeting.wasm");

/** What init wrote. */
export interface InitResult {
  /** The project folder as given. */
  dir: string;
  /** The files written, relative to it. */
  files: string[];
}

/** A name wrangler and npm both accept, from the folder's name. */
function projectName(dir: string): string {
  const name = basename(resolve(dir)).toLowerCase().replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "");
  return name === "" ? "my-gateway" : name;
}

const kongYml = `# The gateway's declarative config, in Kong's format (docs/configuration.md of proxy-wasm-workers).
# \`npm start\` serves it on http://127.0.0.1:8787, with a local echo upstream on 127.0.0.1:${ECHO_PORT}
# standing in for your service: point \`url\` at your own.
_format_version: "3.0"

services:
  - name: my-service
    url: http://127.0.0.1:${ECHO_PORT}
    routes:
      - name: my-route
        paths: ["/"]
        filter_chains:
          - filters:
              - name: greeting            # filters/greeting.wasm
                config: '{"my_greeting": "Hello from Kong using WebAssembly!"}'
`;

function wranglerToml(name: string): string {
  return [
    `# "npx proxy-wasm-workers build" writes .proxy-wasm-workers/entry.js from kong.yml and filters/;`,
    `# then "npx wrangler deploy" deploys it.`,
    `name = ${JSON.stringify(name)}`,
    `main = ".proxy-wasm-workers/entry.js"`,
    `compatibility_date = ${JSON.stringify(COMPATIBILITY_DATE)}`,
    ...bundlingToml(),
    `# When a client goes away, the filters' streams still end (docs/filter-authors.md).`,
    `compatibility_flags = ${JSON.stringify(COMPATIBILITY_FLAGS)}`,
    ``,
    ...stateObjectToml(name),
  ].join("\n");
}

/** The new project's package.json: hono is the package's peer (its admin API is a Hono app). */
function packageJson(name: string, spec: string, honoRange: string): string {
  const manifest = {
    name,
    private: true,
    type: "module",
    scripts: {
      start: `proxy-wasm-workers serve --echo-upstream ${ECHO_PORT}`,
      dev: "proxy-wasm-workers dev",
      build: "proxy-wasm-workers build",
      "check:filters": "proxy-wasm-workers check filters/greeting.wasm",
    },
    dependencies: { hono: honoRange, "proxy-wasm-workers": spec },
  };
  return JSON.stringify(manifest, null, 2) + "\n";
}

const readme = `# A proxy-wasm-workers gateway

\`\`\`sh
npm install
npm start            # serves kong.yml on http://127.0.0.1:8787, with an echo upstream on 127.0.0.1:${ECHO_PORT}
curl -i http://127.0.0.1:8787/anything
\`\`\`

The response carries \`x-greeting\`, added by \`filters/greeting.wasm\` as \`kong.yml\` configures it.
Put your own filters (\`.wasm\`, optionally \`<name>.meta.json\`) into \`filters/\`, attach them to
services and routes in \`kong.yml\`, and point the service's \`url\` at your upstream.

- \`npm run dev\`: the same on \`wrangler dev\`
- \`npm run build\`, then \`npx wrangler deploy\`: on Cloudflare
`;

const gitignore = "node_modules/\n.proxy-wasm-workers/\n.wrangler/\n";

interface OwnManifest {
  version: string;
  peerDependencies: { hono: string };
}

/** The dependency spec: this installation's folder when it is a clone, else its version. */
function defaultSpec(dir: string, { version }: OwnManifest): string {
  if (PACKAGE_ROOT.split(sep).includes("node_modules")) return `^${version}`;
  const path = relative(resolve(dir), PACKAGE_ROOT).split(sep).join("/") || ".";
  return `file:${path}`;
}

/** The greeting filter, built from source first when this is a clone that has not built it. */
async function greetingFilter(): Promise<string> {
  if (await pathExists(GREETING_SOURCE)) return GREETING_SOURCE;
  const buildScript = join(PACKAGE_ROOT, "filters", "build.ts");
  if (await pathExists(buildScript)) {
    const tsx = createRequire(import.meta.url).resolve("tsx/cli");
    const status = await startChild(process.execPath, [tsx, buildScript, "--only", "greeting"]).exited;
    if (status === 0 && (await pathExists(GREETING_SOURCE))) return GREETING_SOURCE;
  }
  throw new CliError(`this installation has no built greeting filter (${GREETING_SOURCE}): run "npm run build:filters" in ${PACKAGE_ROOT}`);
}

export async function init(options: InitOptions): Promise<InitResult> {
  const name = projectName(options.dir);
  const manifest = JSON.parse(await readFile(join(PACKAGE_ROOT, "package.json"), "utf8")) as OwnManifest;
  const files: Record<string, string | { copyFrom: string }> = {
    "kong.yml": kongYml,
    "filters/greeting.wasm": { copyFrom: await greetingFilter() },
    "wrangler.toml": wranglerToml(name),
    "package.json": packageJson(name, options.packageSpec ?? defaultSpec(options.dir, manifest), manifest.peerDependencies.hono),
    "README.md": readme,
    ".gitignore": gitignore,
  };
  const taken: string[] = [];
  for (const file of Object.keys(files)) if (await pathExists(join(options.dir, file))) taken.push(file);
  if (taken.length > 0) throw new CliError(`${options.dir} already has ${taken.join(", ")}: init writes only into a folder without them`);
  await mkdir(join(options.dir, "filters"), { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    const path = join(options.dir, file);
    if (typeof content === "string") await writeFile(path, content);
    else await copyFile(content.copyFrom, path);
  }
  return { dir: options.dir, files: Object.keys(files) };
}
