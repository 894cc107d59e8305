/**
 * Issue 7 under load: a real `workerd serve` (through the CLI) takes LOAD_REQUESTS (default
 * 1000) requests, at most LOAD_CONCURRENCY (default 200) in flight, mixing fast routes, callouts
 * with random delays, body rewrites and trapping filters. Every answer must belong to ITS request
 * (a unique id travels in a header, the query and the body, and the echo upstream proves what it
 * received), trapped requests get Kong's 500, and workerd's memory is flat after the load.
 * @module
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type Echo, type EchoUpstream } from "../../cli/echo-upstream.ts";
import { REPO_ROOT, startCli, type BackgroundCli } from "./support/cli-process.ts";

const REQUESTS = Number(process.env.LOAD_REQUESTS ?? 1000);
const CONCURRENCY = Number(process.env.LOAD_CONCURRENCY ?? 200);
const WARM_UP = 200;
/** How much workerd's resident memory may grow between the warm-up and the end of the load. */
const RSS_SLACK_BYTES = 150 * 1024 * 1024;
const GREETING = "under load";

const FILTERS = {
  greeting: join(REPO_ROOT, "build/filters/greeting.wasm"),
  "adversarial-callout-delay": join(REPO_ROOT, "build/guests/adversarial-callout-delay.wasm"),
  // body-rewrite.wasm's allocator neither frees nor grows: it traps after a few dozen KiB of bodies.
  "adversarial-body-rewrite": join(REPO_ROOT, "build/guests/adversarial-body-rewrite.wasm"),
  "trap-when-asked": join(REPO_ROOT, "build/guests/trap-when-asked.wasm"),
};

function kongYml(upstreamPort: number): string {
  return `_format_version: "3.0"
services:
  - name: auth
    url: http://127.0.0.1:${upstreamPort}
  - name: app
    url: http://127.0.0.1:${upstreamPort}
    routes:
      - name: fast
        paths: ["/fast"]
        filter_chains: [{ filters: [{ name: greeting, config: '{"my_greeting": "${GREETING}"}' }] }]
      - name: callout
        paths: ["/callout"]
        filter_chains: [{ filters: [{ name: adversarial-callout-delay }] }]
      - name: rewrite
        paths: ["/rewrite"]
        filter_chains: [{ filters: [{ name: adversarial-body-rewrite }] }]
      - name: trap
        paths: ["/trap"]
        filter_chains: [{ filters: [{ name: trap-when-asked }] }]
`;
}

/** `npm test` builds the filters first; a direct vitest run may not have. */
function ensureBuiltFilters(): void {
  if (Object.values(FILTERS).every((file) => existsSync(file))) return;
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  const result = spawnSync(process.execPath, [tsx, "filters/build.ts"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 180_000 });
  if (result.status !== 0) throw new Error(`filter build failed:\n${result.stdout}${result.stderr}`);
}

/** The workerd process the CLI started: its child whose command is workerd. */
function workerdPid(cliPid: number): number {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...
      const match = /^\d+ \((.*)\) \S+ (\d+)/.exec(stat);
      if (match && Number(match[2]) === cliPid && match[1].includes("workerd")) return Number(entry);
    } catch {
      // the process went away
    }
  }
  throw new Error(`no workerd child of ${cliPid}`);
}

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
}

type Kind = "fast" | "callout" | "rewrite" | "trap";
const KINDS: readonly Kind[] = ["fast", "callout", "rewrite", "trap"];

/** Connection-level failures the client saw (a kept-alive socket the server closed first). */
let connectionRetries = 0;

/**
 * Sends one request. A socket the server closed while the client reused it fails the fetch
 * before any answer: that is the HTTP client's race, not the gateway's answer, so the request is
 * sent once more (and counted). An HTTP answer is never retried.
 */
async function sendOnce(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    connectionRetries++;
    return fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  }
}

/** Sends request `i` of `round` and checks its answer; returns a failure description or null. */
async function oneRequest(base: string, round: string, i: number): Promise<string | null> {
  const kind = KINDS[i % KINDS.length];
  const id = `${round}-${i}-${Math.random().toString(36).slice(2, 10)}`;
  const headers: Record<string, string> = { "x-load-id": id };
  let init: RequestInit = { headers };
  if (kind === "callout") headers["x-delay"] = String(Math.floor(Math.random() * 300));
  if (kind === "trap") headers["x-trap"] = "1";
  let payload = "";
  if (kind === "fast" || kind === "rewrite") {
    payload = JSON.stringify({ id, pad: "x".repeat(Math.floor(Math.random() * 8192)) });
    init = { method: "POST", headers, body: payload };
  }
  const response = await sendOnce(`${base}/${kind}/${i}?id=${encodeURIComponent(id)}`, init);
  let text = await response.text();
  const fail = (why: string) => `${kind} ${id}: ${why} (status ${response.status}, body ${text.slice(0, 200)})`;
  if (kind === "trap") {
    if (response.status !== 500) return fail("a trapped request must get 500");
    return (JSON.parse(text) as { message: string }).message === "An unexpected error occurred" ? null : fail("not Kong's body");
  }
  if (response.status !== 200) return fail("expected 200");
  if (kind === "rewrite") {
    if (!text.startsWith("RESP:")) return fail("the response body was not rewritten");
    text = text.slice("RESP:".length);
  }
  const echo = JSON.parse(text) as Echo;
  if (echo.path !== `/${i}`) return fail(`the upstream got path ${echo.path}`);
  if (echo.query.id !== id) return fail(`the upstream got query id ${echo.query.id}`);
  if (echo.headers["x-load-id"] !== id) return fail(`the upstream got x-load-id ${echo.headers["x-load-id"]}`);
  if (kind === "fast") {
    if (echo.body !== payload) return fail("the upstream got another body");
    if (response.headers.get("x-greeting") !== GREETING) return fail("no greeting");
  }
  if (kind === "rewrite" && echo.body !== `REQ:${payload}`) return fail("the upstream got another (or no rewritten) body");
  if (kind === "callout" && echo.headers["x-callout-matched"] !== "yes") {
    return fail(`the callout answer belonged to another request (x-callout-matched: ${echo.headers["x-callout-matched"]})`);
  }
  return null;
}

/** Runs `count` requests with at most `concurrency` in flight; returns the failures. */
async function round(base: string, name: string, count: number, concurrency: number): Promise<string[]> {
  const failures: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      try {
        const failure = await oneRequest(base, name, i);
        if (failure) failures.push(failure);
      } catch (error) {
        failures.push(`request ${name}-${i}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return failures;
}

describe(`workerd serve under ${REQUESTS} mixed concurrent requests`, () => {
  let work: string;
  let upstream: EchoUpstream | undefined;
  let cli: BackgroundCli | undefined;
  let base: string;

  beforeAll(async () => {
    ensureBuiltFilters();
    work = await mkdtemp(join(tmpdir(), "pww-load-"));
    const filters = join(work, "filters");
    await mkdir(filters, { recursive: true });
    for (const [name, file] of Object.entries(FILTERS)) copyFileSync(file, join(filters, `${name}.wasm`));
    upstream = await startEchoUpstream({ port: 0 });
    await writeFile(join(work, "kong.yml"), kongYml(upstream.port));
    cli = startCli(["serve", "--config", "kong.yml", "--filters", filters, "--out", join(work, "out"), "--port", "0"], work);
    const [, url] = await cli.waitFor(/proxy-wasm-workers serving kong\.yml on (http:\/\/\S+)/, 120_000);
    base = url;
  }, 180_000);

  afterAll(async () => {
    await cli?.stop();
    await upstream?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("answers every request correctly for its own id, fails only the trapped ones, and keeps its memory flat", async () => {
    const pid = workerdPid(cli!.child.pid!);
    const warmUpFailures = await round(base, "warm", WARM_UP, CONCURRENCY);
    expect(warmUpFailures, `${warmUpFailures.slice(0, 5).join("\n")}\nworkerd:\n${cli!.output().slice(-3000)}`).toEqual([]);
    const rssBefore = rssBytes(pid);

    const started = Date.now();
    const failures = await round(base, "load", REQUESTS, CONCURRENCY);
    const seconds = (Date.now() - started) / 1000;
    // Teardown callbacks run in waitUntil; give them a moment before measuring.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rssAfter = rssBytes(pid);

    // A second round of the same size: a leak keeps growing, a warmed-up heap does not.
    const secondFailures = await round(base, "again", REQUESTS, CONCURRENCY);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rssAgain = rssBytes(pid);

    const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `load: ${REQUESTS} requests, ${CONCURRENCY} in flight, ${seconds.toFixed(2)} s (${(REQUESTS / seconds).toFixed(0)} req/s); ` +
        `workerd VmRSS ${mib(rssBefore)} MiB after warm-up, ${mib(rssAfter)} MiB after the load, ${mib(rssAgain)} MiB after a second round; ${failures.length} + ${secondFailures.length} failures; ${connectionRetries} requests sent again after a connection reset`,
    );
    expect(failures, `${failures.slice(0, 10).join("\n")}\nworkerd:\n${cli!.output().slice(-3000)}`).toEqual([]);
    expect(secondFailures, secondFailures.slice(0, 10).join("\n")).toEqual([]);
    expect(seconds).toBeLessThan(60);
    // A few reused sockets may lose the race with workerd closing them; more would be the gateway.
    expect(connectionRetries).toBeLessThan(REQUESTS / 50);
    expect(rssAfter - rssBefore).toBeLessThan(RSS_SLACK_BYTES);
    expect(rssAgain - rssBefore).toBeLessThan(RSS_SLACK_BYTES);
    // workerd is still there and still answers.
    expect((await fetch(`${base}/fast/ok`, { signal: AbortSignal.timeout(10_000) })).status).toBe(200);
  }, 90_000);
});
