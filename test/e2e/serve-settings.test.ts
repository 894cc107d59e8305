import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createServer } from "node:net";
import { REPO_ROOT, runCli, startCli, type BackgroundCli } from "./support/cli-process.ts";

let work: string | undefined;
let cli: BackgroundCli | undefined;

afterAll(async () => {
  await cli?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe("serve with settings from an env file", () => {
  it("turns the admin API on with the file's ADMIN_TOKEN, and --var wins over the file", async () => {
    work = await mkdtemp(join(tmpdir(), "pww-settings-"));
    await mkdir(join(work, "filters"), { recursive: true });
    await writeFile(join(work, "kong.yml"), `_format_version: "3.0"\nservices:\n  - name: echo\n    url: http://127.0.0.1:9\n    routes:\n      - paths: ["/"]\n`);
    await writeFile(join(work, "gateway.env"), "# local settings\nADMIN_TOKEN=from-the-file\nADMIN_PATH_PREFIX=/_ops\n");
    cli = startCli(
      ["serve", "--config", "kong.yml", "--filters", join(REPO_ROOT, "build/filters"), "--out", "out", "--port", "0", "--env-file", "gateway.env", "--var", "ADMIN_PATH_PREFIX=/_admin"],
      work,
    );
    const [, url] = await cli.waitFor(/serving kong\.yml on (http:\/\/\S+)/, 90_000);
    const status = await fetch(`${url}/_admin/status`, { headers: { authorization: "Bearer from-the-file" }, signal: AbortSignal.timeout(10_000) });
    expect(status.status, cli.output()).toBe(200);
    expect(await status.json()).toMatchObject({ config: { routes: 1 } });
    const denied = await fetch(`${url}/_admin/status`, { headers: { authorization: "Bearer wrong" }, signal: AbortSignal.timeout(10_000) });
    expect(denied.status).toBe(401);
    // serve logs every proxied request on stdout (the upstream on port 9 refuses: Kong's 502).
    const proxied = await fetch(`${url}/anything`, { signal: AbortSignal.timeout(30_000) });
    const requestId = proxied.headers.get("x-kong-request-id");
    await cli.waitFor(new RegExp(`\\{"time":"[^"]+","request_id":"${requestId}".*"status":${proxied.status}`), 10_000);
  }, 240_000);
});

describe("serve on a port in use", () => {
  it("fails with one clear line instead of workerd's exception", async () => {
    work ??= await mkdtemp(join(tmpdir(), "pww-settings-"));
    const dir = join(work, "busy");
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "kong.yml"), `_format_version: "3.0"\nservices:\n  - name: echo\n    url: http://127.0.0.1:9\n    routes:\n      - paths: ["/"]\n`);
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, "127.0.0.1", () => resolve()));
    const port = (busy.address() as { port: number }).port;
    try {
      const run = runCli(["serve", "--config", "kong.yml", "--filters", join(REPO_ROOT, "build/filters"), "--out", "out", "--port", String(port)], dir, 180_000);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`port ${port} on 127.0.0.1 is in use: stop what listens there or pass another --port`);
      expect(run.stderr).not.toMatch(/kj::|stack/);
    } finally {
      busy.close();
    }
  }, 240_000);
});
