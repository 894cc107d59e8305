import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CliError } from "../../../cli/cli-error.ts";
import { parseCommandLine } from "../../../cli/options.ts";
import { parseSettings, renderDevVars, workerSettings } from "../../../cli/worker-settings.ts";

describe("settings for serve and dev", () => {
  it("reads NAME=VALUE lines as wrangler's .dev.vars: comments, export, quotes", () => {
    expect(parseSettings('# admin\nADMIN_TOKEN=s3cret\nexport PROXY_WASM_LOG_LEVEL="debug"\nEMPTY=\nQUOTED=\'a # b\'\nTRAILING=x # note\n', ".dev.vars")).toEqual({
      ADMIN_TOKEN: "s3cret",
      PROXY_WASM_LOG_LEVEL: "debug",
      EMPTY: "",
      QUOTED: "a # b",
      TRAILING: "x",
    });
  });

  it("names the file and line of a line that is not NAME=VALUE", () => {
    expect(() => parseSettings("OK=1\nnot a setting\n", "prod.env")).toThrow(new CliError('prod.env:2: expected NAME=VALUE, got "not a setting"'));
  });

  it("takes .dev.vars, then --env-file, then --var, the later winning", async () => {
    const dir = await mkdtemp(join(tmpdir(), "pww-settings-"));
    await writeFile(join(dir, ".dev.vars"), "A=dev\nB=dev\nC=dev\n");
    await writeFile(join(dir, "extra.env"), "B=file\nC=file\n");
    const settings = await workerSettings({ envFiles: [join(dir, "extra.env")], vars: ["C=flag"] }, dir);
    expect(settings).toEqual({ A: "dev", B: "file", C: "flag" });
    expect(renderDevVars(settings)).toBe('A="dev"\nB="file"\nC="flag"\n');
    await expect(workerSettings({ envFiles: [join(dir, "missing.env")] }, dir)).rejects.toThrow(/--env-file .*missing\.env: no such file/);
  });

  it("takes --env-file and --var more than once on the command line", () => {
    const invocation = parseCommandLine(["serve", "--config", "kong.yml", "--env-file", "a.env", "--env-file", "b.env", "--var", "X=1", "--var", "Y=2"], {});
    if (invocation.command === "help" || invocation.command === "init") throw new Error(`unexpected ${invocation.command}`);
    expect(invocation.options.envFiles).toEqual(["a.env", "b.env"]);
    expect(invocation.options.vars).toEqual(["X=1", "Y=2"]);
  });
});
