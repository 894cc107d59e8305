import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./support/cli-process.ts";
import { repositoryFiles } from "./support/repository-files.ts";

/** The shell commands of README.md's "## Deploy" section, as written there. */
function deployCommands(): string[] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Deploy\n"), readme.indexOf("\n## ", readme.indexOf("\n## Deploy\n") + 1));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1];
  return block
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter(Boolean);
}

let clone: string | undefined;

afterAll(async () => {
  if (clone) await rm(clone, { recursive: true, force: true });
});

describe("the README's Deploy section", () => {
  it("runs as written in a copy of the repository, offline, up to the real deploy, and produces the bundle", async () => {
    const commands = deployCommands();
    expect(commands).toContain("npx wrangler deploy --dry-run --outdir dist");
    expect(commands.at(-1)).toBe("npx wrangler deploy");
    // A copy of what a clone has, plus this checkout's built filters with their times, so
    // `npm run build:filters` finds them up to date instead of compiling for a minute.
    clone = await mkdtemp(join(tmpdir(), "pww-deploy-"));
    const files = repositoryFiles(REPO_ROOT).filter((file) => existsSync(join(REPO_ROOT, file)));
    execFileSync("tar", ["--null", "-T", "-", "-cf", join(clone, "tracked.tar")], { cwd: REPO_ROOT, input: files.join("\0") });
    execFileSync("tar", ["-xf", "tracked.tar"], { cwd: clone });
    if (existsSync(join(REPO_ROOT, "build"))) execFileSync("cp", ["-a", join(REPO_ROOT, "build"), clone]);
    await symlink(join(REPO_ROOT, "node_modules"), join(clone, "node_modules"));
    // Everything but the last command, which uploads.
    for (const command of commands.slice(0, -1)) {
      const run = spawnSync("sh", ["-c", command], { cwd: clone, encoding: "utf8", timeout: 180_000, env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1" } });
      expect(run.status, `${command}\n${run.stdout}\n${run.stderr}`).toBe(0);
    }
    expect(readdirSync(join(clone, "build/filters"))).toContain("greeting.wasm");
    expect(existsSync(join(clone, ".proxy-wasm-workers/entry.js"))).toBe(true);
    const bundle = readdirSync(join(clone, "dist"));
    expect(bundle).toContain("entry.js");
    expect(bundle.some((file) => file.endsWith("-greeting.wasm"))).toBe(true);
  }, 300_000);
});
