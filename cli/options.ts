/**
 * Command-line parsing. Defaults come from Kong's own environment variables so a Kong user's
 * shell (`KONG_DECLARATIVE_CONFIG`, `KONG_WASM_FILTERS_PATH`) works unchanged.
 * @module
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";
import { CliError } from "./cli-error.ts";

/** The commands the CLI knows. */
export type Command = "build" | "dev" | "serve" | "init";

/** Where a build reads from and writes to. */
export interface BuildOptions {
  /** The declarative config file (`kong.yml`, YAML or JSON). */
  config: string;
  /** The filters folder. */
  filters: string;
  /** Whether `filters` was given (flag or env) rather than defaulted; a given folder must exist. */
  filtersExplicit: boolean;
  /** The output folder for `entry.js`, `wrangler.toml`, copies of the filters and runtime files. */
  out: string;
  /** Whether the worker carries the admin API (`--admin-api off` or `KONG_ADMIN_LISTEN=off` leave it out). */
  adminApi?: boolean;
}

/** Build options plus where a local server listens. */
export interface RunOptions extends BuildOptions {
  ip: string;
  port: number;
  /** Pass workerd's `--verbose` (informational logs). */
  verbose: boolean;
  /** `serve`: how many isolates of the gateway to run (ports `port` … `port + isolates - 1`). */
  isolates?: number;
  /** `serve`, `dev`: settings files (`--env-file`), read after `.dev.vars` of the working directory. */
  envFiles?: string[];
  /** `serve`, `dev`: `NAME=VALUE` settings (`--var`), which win over the files. */
  vars?: string[];
  /** `serve`: also run the echo upstream on `ip`:this port (`--echo-upstream PORT`). */
  echoUpstream?: number;
}

/** What `init` writes where. */
export interface InitOptions {
  /** The folder of the new project (created when missing; must hold none of the files init writes). */
  dir: string;
  /** The `proxy-wasm-workers` dependency of the new project's package.json, when given (`--package SPEC`). */
  packageSpec?: string;
}

/** A parsed command line. */
export type Invocation =
  | { command: "help"; of?: Command }
  | { command: Exclude<Command, "init">; options: RunOptions }
  | { command: "init"; options: InitOptions };

/** Default output folder, relative to the cwd (gitignored in this repo). */
export const DEFAULT_OUT = ".proxy-wasm-workers";
/** The config used when neither `--config` nor `KONG_DECLARATIVE_CONFIG` is set and it exists. */
export const DEFAULT_CONFIG = "kong.yml";
/** The filters folder used when neither `--filters` nor `KONG_WASM_FILTERS_PATH` is set. */
export const DEFAULT_FILTERS = "filters";

/** The options of build, dev and serve, with the commands each applies to. */
const OPTIONS: readonly { flag: string; text: string; commands: readonly Command[] }[] = [
  { flag: "--config FILE", text: `declarative config (default: $KONG_DECLARATIVE_CONFIG, else ./${DEFAULT_CONFIG})`, commands: ["build", "dev", "serve"] },
  {
    flag: "--filters DIR",
    text: `filters folder: top-level *.wasm files, optional <name>.meta.json\n(default: $KONG_WASM_FILTERS_PATH, else ./${DEFAULT_FILTERS})`,
    commands: ["build", "dev", "serve"],
  },
  { flag: "--out DIR", text: `output folder (default: ./${DEFAULT_OUT})`, commands: ["build", "dev", "serve"] },
  {
    flag: "--admin-api on|off",
    text: 'off leaves the admin API out of the worker: a smaller bundle and a faster\ncold start (default: off when $KONG_ADMIN_LISTEN is "off", else on)',
    commands: ["build", "dev", "serve"],
  },
  { flag: "--ip ADDR", text: "address to listen on (default: 127.0.0.1)", commands: ["dev", "serve"] },
  { flag: "--port N", text: "port to listen on (default: 8787; 0 picks a free port with serve)", commands: ["dev", "serve"] },
  { flag: "--isolates N", text: "run N isolates of the gateway on ports --port … --port+N-1, sharing\none global state (default: 1)", commands: ["serve"] },
  {
    flag: "--env-file FILE",
    text: "gateway settings (NAME=VALUE lines, e.g. ADMIN_TOKEN=…) as the worker's\nbindings, after ./.dev.vars when it exists; repeatable",
    commands: ["dev", "serve"],
  },
  { flag: "--var NAME=VALUE", text: "one setting, winning over the files; repeatable", commands: ["dev", "serve"] },
  {
    flag: "--echo-upstream PORT",
    text: "also run a local upstream on --ip:PORT that answers every request with\nthe request as JSON (to try a config before pointing it at a real service)",
    commands: ["serve"],
  },
  { flag: "--verbose", text: "pass --verbose to workerd", commands: ["serve"] },
  { flag: "--package SPEC", text: 'the proxy-wasm-workers dependency written into package.json\n(default: this installation\'s folder as "file:…" when it is a clone, else ^VERSION)', commands: ["init"] },
  { flag: "-h, --help", text: "show this help", commands: ["build", "dev", "serve", "init"] },
];

function renderOptions(command: Command | null): string {
  return OPTIONS.filter((option) => command === null || option.commands.includes(command))
    .map((option) => {
      const [first, ...rest] = option.text.split("\n");
      const applies = command === null && option.commands.length < 3 ? `${option.commands.join(", ")}: ` : "";
      const head = option.flag.length < 16 ? `  ${option.flag.padEnd(16)}${applies}${first}` : `  ${option.flag}\n${" ".repeat(18)}${applies}${first}`;
      return [head, ...rest.map((line) => `${" ".repeat(18)}${line}`)].join("\n");
    })
    .join("\n");
}

/** The `--help` text. */
export const USAGE = `Usage: proxy-wasm-workers <command> [options]

Kong-style Proxy-Wasm filter chains on Cloudflare Workers / workerd.

Commands:
  build   validate the config and filters, write <out>/entry.js and <out>/wrangler.toml
          (the repo's wrangler.toml points at .proxy-wasm-workers/entry.js, so
          "npx wrangler deploy" deploys the result)
  dev     build, then run "wrangler dev" on it
  serve   build, bundle with "wrangler deploy --dry-run" and run it on plain workerd
          (the fastest local runtime) from <out>/workerd.config.bin; <out>/workerd.capnp
          is the same config as text, for running workerd by hand
  init [DIR]
          write a starting project into DIR (default: .): kong.yml, filters/ with the
          greeting filter, wrangler.toml, package.json; then "npm install && npm start"
  check FILTER.wasm…
          describe filters and whether this host runs them
  run FILTER.wasm
          one request through a filter, offline, with a trace of its callbacks and host calls
  test FIXTURE.yaml…
          run YAML fixtures of requests and expected results through their filters
  playground
          a browser page that runs a dropped filter on a request you edit
          (these filter-author commands: "proxy-wasm-workers check --help", docs/filter-authors.md)

"proxy-wasm-workers <command> --help" shows one command's options.

Options:
${renderOptions(null)}
`;

const COMMAND_SUMMARY: Record<Command, string> = {
  build: "Validates the config and the filters and writes <out>/entry.js and <out>/wrangler.toml,\nready for \"npx wrangler deploy\".",
  dev: 'Builds, then runs "wrangler dev" on the result.',
  serve: "Builds, bundles and runs the gateway on plain workerd (the fastest local runtime).",
  init:
    'Writes a starting project into DIR (default: the current folder): kong.yml, filters/ with the\ngreeting filter, wrangler.toml and package.json, so that "npm install && npm start" serves it.',
};

/** The `--help` text of one command. */
export function commandUsage(command: Command): string {
  const operand = command === "init" ? " [DIR]" : "";
  return `Usage: proxy-wasm-workers ${command}${operand} [options]\n\n${COMMAND_SUMMARY[command]}\n\nOptions:\n${renderOptions(command)}\n`;
}

const COMMANDS: readonly string[] = ["build", "dev", "serve", "init"];

/**
 * Parses `argv` (without node and script) with `env` as the source of Kong defaults.
 * @throws CliError on an unknown command or option or a bad value.
 */
export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): Invocation {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: "string" },
        filters: { type: "string" },
        out: { type: "string" },
        "admin-api": { type: "string" },
        ip: { type: "string" },
        port: { type: "string" },
        verbose: { type: "boolean" },
        isolates: { type: "string" },
        "env-file": { type: "string", multiple: true },
        var: { type: "string", multiple: true },
        "echo-upstream": { type: "string" },
        package: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new CliError(`${(error as Error).message}\n\n${USAGE}`);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals[0] === "help") {
    const of = positionals[0] === "help" ? positionals[1] : positionals[0];
    return COMMANDS.includes(of ?? "") ? { command: "help", of: of as Command } : { command: "help" };
  }
  const [command, ...extra] = positionals;
  if (command === undefined) throw new CliError(`missing command\n\n${USAGE}`);
  if (!COMMANDS.includes(command)) throw new CliError(`unknown command "${command}"\n\n${USAGE}`);
  if (command === "init") {
    if (extra.length > 1) throw new CliError(`unexpected argument "${extra[1]}"`);
    return { command, options: { dir: extra[0] ?? ".", packageSpec: nonEmpty(values.package) } };
  }
  if (extra.length > 0) throw new CliError(`unexpected argument "${extra[0]}"`);

  const filtersGiven = nonEmpty(values.filters) ?? nonEmpty(env.KONG_WASM_FILTERS_PATH);
  const echoUpstream = values["echo-upstream"];
  return {
    command: command as Exclude<Command, "init">,
    options: {
      config: configPath(nonEmpty(values.config) ?? nonEmpty(env.KONG_DECLARATIVE_CONFIG)),
      filters: filtersGiven ?? DEFAULT_FILTERS,
      filtersExplicit: filtersGiven !== undefined,
      out: nonEmpty(values.out) ?? DEFAULT_OUT,
      adminApi: adminApi(nonEmpty(values["admin-api"]), env.KONG_ADMIN_LISTEN),
      ip: nonEmpty(values.ip) ?? "127.0.0.1",
      port: portNumber(values.port ?? "8787", "--port"),
      verbose: values.verbose ?? false,
      isolates: isolateCount(values.isolates ?? "1"),
      envFiles: values["env-file"] ?? [],
      vars: values.var ?? [],
      ...(echoUpstream === undefined ? {} : { echoUpstream: portNumber(echoUpstream, "--echo-upstream") }),
    },
  };
}

/** Isolates `serve` runs; each is a workerd worker of its own, on its own port. */
const MAX_ISOLATES = 16;

function isolateCount(text: string): number {
  const count = Number(text);
  if (!/^\d+$/.test(text) || count < 1 || count > MAX_ISOLATES) throw new CliError(`--isolates must be a number from 1 to ${MAX_ISOLATES}, got "${text}"`);
  return count;
}

function configPath(given: string | undefined): string {
  if (given !== undefined) return given;
  if (existsSync(DEFAULT_CONFIG)) return DEFAULT_CONFIG;
  throw new CliError(`no declarative config: pass --config FILE or set KONG_DECLARATIVE_CONFIG`);
}

function adminApi(given: string | undefined, kongAdminListen: string | undefined): boolean {
  if (given === undefined) return kongAdminListen?.trim().toLowerCase() !== "off";
  if (given !== "on" && given !== "off") throw new CliError(`--admin-api must be "on" or "off", got "${given}"`);
  return given === "on";
}

function portNumber(text: string, flag: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new CliError(`${flag} must be a number from 0 to 65535, got "${text}"`);
  return port;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
