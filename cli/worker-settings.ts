/**
 * The settings `serve` and `dev` give the worker as bindings, the way wrangler users set them:
 * `.dev.vars` in the working directory, then each `--env-file`, then each `--var NAME=VALUE`
 * (a later one wins). Secrets such as `ADMIN_TOKEN` are bindings like any other.
 * @module
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CliError } from "./cli-error.ts";

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `NAME=VALUE` lines (dotenv style: `#` comments, optional `export `, quoted values). */
export function parseSettings(text: string, source: string): Record<string, string> {
  const settings: Record<string, string> = {};
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const assignment = line.startsWith("export ") ? line.slice("export ".length).trimStart() : line;
    const equals = assignment.indexOf("=");
    const name = equals < 0 ? assignment : assignment.slice(0, equals).trim();
    if (equals < 0 || !NAME.test(name)) throw new CliError(`${source}:${index + 1}: expected NAME=VALUE, got "${line}"`);
    settings[name] = unquote(assignment.slice(equals + 1).trim());
  });
  return settings;
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.length >= 2 && value.endsWith(quote)) {
    const inner = value.slice(1, -1);
    return quote === '"' ? inner.replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\") : inner;
  }
  // An unquoted value ends at a comment.
  const comment = value.search(/\s#/);
  return comment < 0 ? value : value.slice(0, comment).trimEnd();
}

/** The merged settings for `serve` / `dev` run in `cwd`. */
export async function workerSettings(options: { envFiles?: readonly string[]; vars?: readonly string[] }, cwd = process.cwd()): Promise<Record<string, string>> {
  const settings: Record<string, string> = {};
  const devVars = join(cwd, ".dev.vars");
  if (existsSync(devVars)) Object.assign(settings, parseSettings(await readFile(devVars, "utf8"), ".dev.vars"));
  for (const file of options.envFiles ?? []) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      throw new CliError(`--env-file ${file}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
    }
    Object.assign(settings, parseSettings(text, file));
  }
  for (const assignment of options.vars ?? []) Object.assign(settings, parseSettings(assignment, "--var"));
  return settings;
}

/** The settings as a `.dev.vars` file for wrangler (`dev`), values quoted. */
export function renderDevVars(settings: Readonly<Record<string, string>>): string {
  return Object.entries(settings)
    .map(([name, value]) => `${name}=${JSON.stringify(value)}\n`)
    .join("");
}
