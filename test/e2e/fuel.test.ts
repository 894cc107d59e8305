/**
 * A filter that loops forever, run by the CLI as users run it (`serve` on workerd, `dev` on
 * wrangler dev): the build meters it, so only its own request fails, within a second, and the
 * gateway keeps serving. The looping module is compiled unmetered into a temporary filters
 * folder, exactly what a user would drop there; the CLI processes are killed by process group
 * after each suite, the outer guard should metering ever fail.
 * @module
 */
import { copyFileSync, existsSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import wabtInit from "wabt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../../cli/echo-upstream.ts";
import { freePort, REPO_ROOT, startCli, type BackgroundCli } from "./support/cli-process.ts";

const GREETING = join(REPO_ROOT, "build/filters/greeting.wasm");

async function writeUnmeteredLoop(file: string): Promise<void> {
  const wabt = await wabtInit();
  const source = readFileSync(join(REPO_ROOT, "test/fixtures/guests/endless-loop.wat"), "utf8");
  const module = wabt.parseWat("endless-loop.wat", source, {});
  try {
    await writeFile(file, module.toBinary({}).buffer);
  } finally {
    module.destroy();
  }
}

function kongYml(upstreamPort: number): string {
  return `_format_version: "3.0"
services:
  - name: app
    url: http://127.0.0.1:${upstreamPort}
    routes:
      - name: looping
        paths: ["/loop"]
        filter_chains: [{ filters: [{ name: endless, config: "h" }] }]
      - name: healthy
        paths: ["/healthy"]
        filter_chains: [{ filters: [{ name: greeting, config: '{"my_greeting": "alive"}' }] }]
`;
}

for (const command of ["serve", "dev"] as const) {
  describe(`a filter looping forever under ${command}`, () => {
    let work: string;
    let upstream: EchoUpstream | undefined;
    let cli: BackgroundCli | undefined;
    let base: string;

    beforeAll(async () => {
      if (!existsSync(GREETING)) throw new Error("run `npx tsx filters/build.ts` first");
      work = await mkdtemp(join(tmpdir(), `pww-fuel-${command}-`));
      const filters = join(work, "filters");
      await mkdir(filters, { recursive: true });
      copyFileSync(GREETING, join(filters, "greeting.wasm"));
      await writeUnmeteredLoop(join(filters, "endless.wasm"));
      upstream = await startEchoUpstream({ port: 0 });
      await writeFile(join(work, "kong.yml"), kongYml(upstream.port));
      const port = command === "serve" ? 0 : await freePort();
      cli = startCli([command, "--config", "kong.yml", "--filters", filters, "--out", join(work, "out"), "--port", String(port)], work);
      if (command === "serve") {
        const [, url] = await cli.waitFor(/proxy-wasm-workers serving kong\.yml on (http:\/\/\S+)/, 120_000);
        base = url;
      } else {
        base = `http://127.0.0.1:${port}`;
        await cli.waitFor(/Ready on|ready on/i, 120_000);
      }
    }, 180_000);

    afterAll(async () => {
      await cli?.stop();
      await upstream?.close();
      if (work) await rm(work, { recursive: true, force: true });
    });

    it("fails only the looping request, within 1 s, while a healthy request at the same time succeeds", async () => {
      // Warm both VMs so the timing below is the loop's, not the first instantiation's.
      await fetch(`${base}/healthy`, { signal: AbortSignal.timeout(20_000) });
      const started = Date.now();
      const [looping, healthy] = await Promise.all([
        fetch(`${base}/loop`, { signal: AbortSignal.timeout(20_000) }),
        fetch(`${base}/healthy`, { signal: AbortSignal.timeout(20_000) }),
      ]);
      const elapsed = Date.now() - started;
      expect(looping.status).toBe(500);
      expect(((await looping.json()) as { message: string }).message).toBe("An unexpected error occurred");
      expect(healthy.status).toBe(200);
      expect(healthy.headers.get("x-greeting")).toBe("alive");
      expect(elapsed).toBeLessThan(1000);
      await cli!.waitFor(/fuel exhausted/, 5_000);
      expect((await fetch(`${base}/healthy`, { signal: AbortSignal.timeout(20_000) })).status).toBe(200);
    }, 60_000);
  });
}
