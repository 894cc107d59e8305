import { spawnSync } from "node:child_process";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type EchoUpstream } from "../../cli/echo-upstream.ts";
import { REPO_ROOT, startCli, type BackgroundCli } from "./support/cli-process.ts";

/** `serve --isolates 2` with Kong's rate-limiting example (minute limit 4, keyed by a header). */
function kongYml(upstreamPort: number, sharedState: "global" | "isolate"): string {
  return `_format_version: "3.0"
services:
  - name: echo
    url: http://127.0.0.1:${upstreamPort}
    routes:
      - name: limited
        paths: ["/limited"]
        filter_chains:
          - filters:
              - name: rate-limiting
                config: '{"minute": 4, "header_name": "x-client-id"}'
                shared_state: ${sharedState}
      - name: counted
        paths: ["/count"]
        filter_chains:
          - filters:
              - name: cas-counter
                shared_state: ${sharedState}
`;
}

let work: string;
let upstream: EchoUpstream;

beforeAll(async () => {
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  const built = spawnSync(process.execPath, [tsx, "filters/build.ts"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 180_000 });
  if (built.status !== 0) throw new Error(`filter build failed:\n${built.stdout}${built.stderr}`);
  work = await mkdtemp(join(tmpdir(), "pww-global-"));
  upstream = await startEchoUpstream({ port: 0 });
}, 240_000);

afterAll(async () => {
  await upstream?.close();
  await rm(work, { recursive: true, force: true });
});

/** A project folder with both filters and the config; `serve` keeps its state under `out/`. */
async function project(name: string, sharedState: "global" | "isolate"): Promise<string> {
  const dir = join(work, name);
  await mkdir(join(dir, "filters"), { recursive: true });
  await copyFile(join(REPO_ROOT, "build/filters/rate-limiting.wasm"), join(dir, "filters/rate-limiting.wasm"));
  await copyFile(join(REPO_ROOT, "build/guests/cas-counter.wasm"), join(dir, "filters/cas-counter.wasm"));
  await writeFile(join(dir, "kong.yml"), kongYml(upstream.port, sharedState));
  return dir;
}

async function serveTwoIsolates(dir: string): Promise<{ cli: BackgroundCli; urls: string[] }> {
  const cli = startCli(["serve", "--config", "kong.yml", "--filters", "filters", "--out", "out", "--port", "0", "--isolates", "2"], dir);
  const [, a, b] = await cli.waitFor(/serving kong\.yml on (http:\/\/\S+), (http:\/\/\S+)/, 90_000);
  return { cli, urls: [a, b] };
}

/** A minute window that has room for six requests: wait out its last seconds. */
async function startOfWindow(): Promise<void> {
  const second = new Date().getUTCSeconds();
  if (second > 45) await new Promise((resolve) => setTimeout(resolve, (61 - second) * 1000));
}

/** Six requests of one client, alternating between the two isolates; their statuses. */
async function sixAlternating(urls: string[], client: string): Promise<number[]> {
  await startOfWindow();
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const response = await fetch(`${urls[i % 2]}/limited`, { headers: { "x-client-id": client }, signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    statuses.push(response.status);
  }
  return statuses;
}

async function count(url: string): Promise<number> {
  const response = await fetch(`${url}/count`, { signal: AbortSignal.timeout(10_000) });
  expect(response.status).toBe(200);
  return new DataView(await response.arrayBuffer()).getUint32(0, true);
}

describe("serve --isolates 2 with shared_state: global", () => {
  it("lets exactly four of six alternating requests through a minute limit of 4; the state survives a restart", async () => {
    const dir = await project("global", "global");
    let { cli, urls } = await serveTwoIsolates(dir);
    try {
      expect(urls[0]).not.toBe(urls[1]);
      const statuses = await sixAlternating(urls, `client-${Date.now()}`);
      expect(statuses, cli.output()).toEqual([200, 200, 200, 200, 429, 429]);

      const counts = [await count(urls[0]), await count(urls[1]), await count(urls[0])];
      expect(counts[1]).toBe(counts[0] + 1);
      expect(counts[2]).toBe(counts[0] + 2);

      await cli.stop();
      ({ cli, urls } = await serveTwoIsolates(dir));
      expect(await count(urls[1])).toBe(counts[2] + 1);
    } finally {
      await cli.stop();
    }
  }, 240_000);
});

describe("serve --isolates 2 with isolate state (the default)", () => {
  it("counts per isolate, as Kong and Envoy count per node: all six pass", async () => {
    const dir = await project("isolate", "isolate");
    const { cli, urls } = await serveTwoIsolates(dir);
    try {
      expect(await sixAlternating(urls, `client-${Date.now()}`)).toEqual([200, 200, 200, 200, 200, 200]);
    } finally {
      await cli.stop();
    }
  }, 240_000);
});

describe("ticks without traffic", () => {
  it("a Durable Object alarm runs on_tick of a serve'd gateway that receives no request", async () => {
    const dir = join(work, "ticks");
    await mkdir(join(dir, "filters"), { recursive: true });
    await copyFile(join(REPO_ROOT, "build/guests/tick-counter.wasm"), join(dir, "filters/tick-counter.wasm"));
    // tick-counter calls the "auth" service from each tick; the echo upstream answers it.
    await writeFile(
      join(dir, "kong.yml"),
      `_format_version: "3.0"
services:
  - name: auth
    url: http://127.0.0.1:${upstream.port}
  - name: echo
    url: http://127.0.0.1:${upstream.port}
    routes:
      - paths: ["/"]
        filter_chains:
          - filters:
              - name: tick-counter
`,
    );
    const cli = startCli(["serve", "--config", "kong.yml", "--filters", "filters", "--out", "out", "--port", "0"], dir);
    try {
      const [, url] = await cli.waitFor(/serving kong\.yml on (http:\/\/\S+)/, 90_000);
      // Alarm ticks come at most once a second; give three of them time, without a request.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      const response = await fetch(`${url}/`, { signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      // The request itself may run one due tick: the others were the alarm's.
      expect(Number(response.headers.get("x-ticks")), cli.output()).toBeGreaterThanOrEqual(3);
    } finally {
      await cli.stop();
    }
  }, 240_000);
});
