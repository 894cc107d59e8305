import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CliError } from "../../../cli/cli-error.ts";
import { init } from "../../../cli/init.ts";
import { PACKAGE_ROOT } from "../../../cli/package-paths.ts";

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "pww-init-"));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("init", () => {
  it("writes a gateway project whose npm start serves kong.yml in front of an echo upstream", async () => {
    const dir = join(work, "My Gateway");
    const written = await init({ dir });
    expect(written.files).toEqual(["kong.yml", "filters/greeting.wasm", "wrangler.toml", "package.json", "README.md", ".gitignore"]);
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    expect(manifest.name).toBe("my-gateway");
    expect(manifest.scripts.start).toBe("proxy-wasm-workers serve --echo-upstream 9001");
    // A clone is depended on by its path; hono is the package's peer.
    expect(manifest.dependencies["proxy-wasm-workers"]).toMatch(/^file:/);
    expect(join(dir, manifest.dependencies["proxy-wasm-workers"].slice("file:".length))).toBe(PACKAGE_ROOT.replace(/\/$/, ""));
    expect(manifest.dependencies.hono).toBe("^4.13.19");
    expect(await readFile(join(dir, "kong.yml"), "utf8")).toContain("url: http://127.0.0.1:9001");
    const toml = await readFile(join(dir, "wrangler.toml"), "utf8");
    expect(toml).toContain('name = "my-gateway"');
    expect(toml).toContain('main = ".proxy-wasm-workers/entry.js"');
    expect(toml).toContain("keep_names = false");
    expect(toml).toContain('compatibility_flags = ["enable_request_signal"]');
    const wasm = new Uint8Array(await readFile(join(dir, "filters/greeting.wasm")));
    expect(WebAssembly.validate(wasm)).toBe(true);
  });

  it("writes the dependency spec it is given", async () => {
    const dir = join(work, "from-tarball");
    await init({ dir, packageSpec: "file:../proxy-wasm-workers-0.1.0.tgz" });
    const manifest = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    expect(manifest.dependencies["proxy-wasm-workers"]).toBe("file:../proxy-wasm-workers-0.1.0.tgz");
  });

  it("overwrites nothing: a folder holding any of its files is refused, naming them", async () => {
    const dir = join(work, "twice");
    await init({ dir });
    await expect(init({ dir })).rejects.toThrow(CliError);
    await expect(init({ dir })).rejects.toThrow(/already has kong\.yml, filters\/greeting\.wasm, wrangler\.toml, package\.json, README\.md, \.gitignore/);
  });
});
