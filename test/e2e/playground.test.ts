import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { builtFilter, guest } from "../unit/cli/support/built-modules.ts";
import { REPO_ROOT, runCli, startCli, type BackgroundCli } from "./support/cli-process.ts";

/** Debian's chromium package (`.ci/run` installs it); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const NO_BROWSER = `no Chromium at ${CHROMIUM}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`;
if (!HAVE_CHROMIUM) {
  const bar = "!".repeat(78);
  process.stderr.write(`\n${bar}\n!!! The playground's browser tests are SKIPPED: ${NO_BROWSER}.\n!!! The playground is NOT tested in a browser on this run.\n${bar}\n\n`);
}
const inBrowser = HAVE_CHROMIUM ? it : it.skip;
const browserNote = HAVE_CHROMIUM ? "" : ` (SKIPPED: ${NO_BROWSER})`;

let cli: BackgroundCli;
let origin: string;

beforeAll(async () => {
  cli = startCli(["playground", "--port", "0"], REPO_ROOT);
  const [, port] = await cli.waitFor(/playground on http:\/\/127\.0\.0\.1:(\d+)\//, 60_000);
  origin = `http://127.0.0.1:${port}`;
}, 90_000);

afterAll(async () => {
  await cli?.stop();
});

describe("proxy-wasm-workers playground", () => {
  it("serves the page, its stylesheet and its script with abi/ bundled for the browser", async () => {
    const page = await fetch(`${origin}/`);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain('<script type="module" src="playground.js">');
    const script = await (await fetch(`${origin}/playground.js`)).text();
    expect(script).toContain("proxy_on_context_create");
    expect(script).not.toMatch(/from\s*["']node:/);
    expect((await fetch(`${origin}/nothing-here`)).status).toBe(404);
  });

  inBrowser(`runs a dropped filter in headless Chromium, driven from the keyboard, and shows its trace and result${browserNote}`, async () => {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
      const requests: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      await page.goto(`${origin}/`);
      await page.setInputFiles("#file", builtFilter("greeting"));
      await expect.poll(() => page.textContent("#module")).toContain("ABI 0.2.1, AssemblyScript");

      // From the file chooser, Tab reaches the configuration; Ctrl+Enter runs from anywhere.
      await page.focus("#file");
      await page.keyboard.press("Tab");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe("config");
      await page.keyboard.type('{"my_greeting": "Hello from Chromium"}');
      await page.keyboard.press("Control+Enter");
      await expect.poll(() => page.textContent("#summary")).toBe("Client got 200 (upstream)");
      const trace = await page.textContent("#trace");
      expect(trace).toContain("▶ proxy_on_configure(1, 38) → 1");
      expect(trace).toContain('· proxy_add_header_map_value(http_response_headers "X-Greeting": "Hello from Chromium") → ok');
      expect(await page.textContent("#client-response")).toContain("x-greeting: Hello from Chromium");
      expect(await page.textContent("#upstream-request")).toContain("GET /hello (authority localhost)");
      await mkdir(join(REPO_ROOT, "build"), { recursive: true });
      await page.screenshot({ path: join(REPO_ROOT, "build", "playground.png"), fullPage: true });

      // Another filter: a local response after a callout, with the button pressed from the keyboard.
      await page.setInputFiles("#file", guest("callout-auth"));
      await expect.poll(() => page.textContent("#module")).toContain("callout-auth.wasm: ABI 0.2.1");
      await page.fill("#config", "kong");
      await page.fill("#request-headers", "x-deny: 1");
      await page.fill("#callout", '403 {"allowed": false}');
      await page.focus("#run");
      await page.keyboard.press("Enter");
      await expect.poll(() => page.textContent("#summary")).toBe("Client got 403 (local response)");
      expect(await page.textContent("#upstream-request")).toBe("(not sent: the request ended before the upstream)");
      expect(await page.textContent("#trace")).toContain("proxy_send_local_response(403");

      // Nothing was uploaded: the page fetched only its own three files.
      expect(new Set(requests.map((url) => new URL(url).pathname))).toEqual(new Set(["/", "/playground.css", "/playground.js"]));
    } finally {
      await browser.close();
    }
  }, 120_000);
});

describe("proxy-wasm-workers playground --out", () => {
  it("writes the page as static files for any static host", async () => {
    const out = await mkdtemp(join(tmpdir(), "pww-playground-"));
    try {
      const run = runCli(["playground", "--out", out], REPO_ROOT);
      expect(run.status).toBe(0);
      expect((await readdir(out)).sort()).toEqual(["index.html", "playground.css", "playground.js"]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
