import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEchoUpstream, type Echo, type EchoUpstream } from "../../cli/echo-upstream.ts";
import { workerdBinary } from "../../cli/package-paths.ts";
import { BUILT_FILTERS, ensureBuiltFilters } from "./support/built-filters.ts";
import { REPO_ROOT, runCli, startCli, type BackgroundCli } from "./support/cli-process.ts";

/** The smallest valid Wasm module: header only, so it exports nothing. */
const EMPTY_WASM = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
const GREETING = "Hello from Kong using WebAssembly!";

function kongYml(upstreamPort: number, filter: string): string {
  return `_format_version: "3.0"
services:
  - name: demo
    url: http://127.0.0.1:${upstreamPort}
    routes:
      - name: demo-route
        paths: ["/"]
        filter_chains:
          - filters:
              - name: ${filter}
                config: '{"my_greeting": "${GREETING}"}'
`;
}

let work: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "pww-cli-"));
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A fresh folder with a kong.yml naming `filter` and an empty filters folder. */
async function project(name: string, filter: string): Promise<{ dir: string; filters: string }> {
  const dir = join(work, name);
  const filters = join(dir, "filters");
  await mkdir(filters, { recursive: true });
  await writeFile(join(dir, "kong.yml"), kongYml(9, filter));
  return { dir, filters };
}

describe("proxy-wasm-workers build", () => {
  it("fails on a filter the folder lacks, naming file:line and the document path", async () => {
    const { dir } = await project("missing-filter", "my-go-filter");
    const run = runCli(["build", "--config", "kong.yml", "--filters", "./filters", "--out", "out"], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(
      /kong\.yml:\d+ services\[0\]\.routes\[0\]\.filter_chains\[0\]\.filters\[0\]\.name: no such filter "my-go-filter" \(filters folder \.\/filters\)/,
    );
    expect(existsSync(join(dir, "out", "entry.js"))).toBe(false);
  });

  it("fails on a filter that is valid Wasm but not Proxy-Wasm", async () => {
    const { dir, filters } = await project("not-proxy-wasm", "plain");
    await writeFile(join(filters, "plain.wasm"), EMPTY_WASM);
    const run = runCli(["build", "--config", "kong.yml", "--filters", "filters", "--out", "out"], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      `filter "plain" (${join("filters", "plain.wasm")}) is not a Proxy-Wasm module: it exports no proxy_abi_version_* marker`,
    );
  });

  it("fails on a filter that is not Wasm at all, with the compile error", async () => {
    const { dir, filters } = await project("not-wasm", "junk");
    await writeFile(join(filters, "junk.wasm"), "not wasm\n");
    const run = runCli(["build", "--config", "kong.yml", "--filters", "filters", "--out", "out"], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/filter "junk" .* is not a valid WebAssembly module: CompileError/);
  });

  it("fails like Kong when the filters folder does not exist", async () => {
    const { dir } = await project("no-filters-folder", "greeting");
    const run = runCli(["build", "--config", "kong.yml", "--filters", "nowhere"], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("wasm_filters_path 'nowhere' is not a valid directory");
  });

  it("fails clearly when the config file does not exist", async () => {
    const { dir } = await project("no-config", "greeting");
    const run = runCli(["build", "--config", "absent.yml", "--filters", "filters"], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("declarative config 'absent.yml' not found");
  });

  it("names every unusable .meta.json", async () => {
    const { dir, filters } = await project("bad-meta", "greeting");
    await writeFile(join(filters, "greeting.wasm"), EMPTY_WASM);
    await writeFile(join(filters, "greeting.meta.json"), "{ not json");
    const run = runCli(["build", "--config", "kong.yml", "--filters", "filters"], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Failed to load metadata for one or more filters");
    expect(run.stderr).toMatch(/filter "greeting" \(filters\/greeting\.meta\.json\): JSON decode error/);
  });

  it("checks a JSON config against the filter's config_schema", async () => {
    const { dir, filters } = await project("schema", "greeting");
    await writeFile(join(filters, "greeting.wasm"), EMPTY_WASM);
    const schema = { type: "object", properties: { my_greeting: { type: "string" } }, required: ["my_greeting"] };
    await writeFile(join(filters, "greeting.meta.json"), JSON.stringify({ config_schema: schema }));
    await writeFile(
      join(dir, "kong.yml"),
      `_format_version: "3.0"\nservices:\n  - name: demo\n    url: http://127.0.0.1:9\n    filter_chains:\n      - filters:\n          - name: greeting\n            config:\n              greeting: hi\n`,
    );
    const run = runCli(["build", "--config", "kong.yml", "--filters", "filters"], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/kong\.yml:9 services\[0\]\.filter_chains\[0\]\.filters\[0\]\.config: .*my_greeting/);
  });

  it("builds a Kong export as it is, warning with file:line about the entities it ignores", async () => {
    ensureBuiltFilters();
    const { dir, filters } = await project("export", "greeting");
    await writeFile(join(filters, "greeting.wasm"), await readFile(join(BUILT_FILTERS, "greeting.wasm")));
    await writeFile(
      join(dir, "kong.yml"),
      `_format_version: "3.0"\n_info:\n  select_tags: [a]\nservices:\n  - name: demo\n    url: http://127.0.0.1:9\n    plugins:\n      - name: greeting\n        config: '{"my_greeting": "hi"}'\n      - name: rate-limiting\n        config: { minute: 5 }\nconsumers:\n  - username: alice\n`,
    );
    const run = runCli(["build", "--config", "kong.yml", "--filters", "filters", "--out", "out"], dir);
    expect(run.stderr).toContain("warning: kong.yml:10 services[0].plugins[1]: plugin 'rate-limiting' is not a filter");
    expect(run.stderr).toContain("warning: kong.yml:13 consumers[0]: entity type 'consumers' is not supported by this gateway, ignored");
    expect(run.status).toBe(0);
    expect(existsSync(join(dir, "out", "entry.js"))).toBe(true);
  });

  it("takes the config and filters folder from Kong's environment variables", async () => {
    ensureBuiltFilters();
    const { dir } = await project("kong-env", "greeting");
    const result = spawnSync(process.execPath, [join(REPO_ROOT, "bin", "proxy-wasm-workers.mjs"), "build", "--out", "out"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, KONG_DECLARATIVE_CONFIG: "kong.yml", KONG_WASM_FILTERS_PATH: BUILT_FILTERS },
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    expect(existsSync(join(dir, "out", "filters", "greeting.wasm"))).toBe(true);
    expect(existsSync(join(dir, "out", "wrangler.toml"))).toBe(true);
  });
});

/** `serve` of a greeting project in `work/<name>` against a fresh echo upstream, with `extraArgs`. */
async function serveGreeting(name: string, extraArgs: string[] = []): Promise<{ upstream: EchoUpstream; cli: BackgroundCli; url: string; out: string }> {
  ensureBuiltFilters();
  const upstream = await startEchoUpstream({ port: 0 });
  const dir = join(work, name);
  const out = join(dir, "out");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "kong.yml"), kongYml(upstream.port, "greeting"));
  const cli = startCli(["serve", "--config", "kong.yml", "--filters", BUILT_FILTERS, "--out", out, "--port", "0", ...extraArgs], dir);
  const [, url] = await cli.waitFor(/proxy-wasm-workers serving kong\.yml on (http:\/\/\S+)/, 60_000);
  return { upstream, cli, url, out };
}

describe("proxy-wasm-workers serve", () => {
  let upstream: EchoUpstream | undefined;
  let cli: BackgroundCli | undefined;
  let url: string;

  beforeAll(async () => {
    ({ upstream, cli, url } = await serveGreeting("serve"));
  }, 240_000);

  afterAll(async () => {
    await cli?.stop();
    await upstream?.close();
  });

  it("proxies to the upstream through the greeting filter", async () => {
    const response = await fetch(`${url}/anything?q=1`, { signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    expect(response.status, `body: ${text}\nCLI output:\n${cli!.output()}`).toBe(200);
    const echo = JSON.parse(text) as Echo;
    expect(echo.path).toBe("/anything");
    expect(echo.query).toEqual({ q: "1" });
    expect(response.headers.get("x-greeting")).toBe(GREETING);
  });

  it("stops workerd when it gets SIGTERM", async () => {
    const child = cli!.child;
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    const code = await Promise.race([exited, new Promise<"timeout">((r) => setTimeout(() => r("timeout"), 10_000))]);
    expect(code).toBe(0);
    await expect(fetch(url, { signal: AbortSignal.timeout(5_000) })).rejects.toThrow();
  });
});

describe("proxy-wasm-workers serve --admin-api off", () => {
  let upstream: EchoUpstream | undefined;
  let cli: BackgroundCli | undefined;
  let url: string;
  let out: string;

  beforeAll(async () => {
    ({ upstream, cli, url, out } = await serveGreeting("serve-gateway-only", ["--admin-api", "off"]));
  }, 240_000);

  afterAll(async () => {
    await cli?.stop();
    await upstream?.close();
  });

  it("proxies through the greeting filter from a bundle without the admin API's code", async () => {
    const response = await fetch(`${url}/anything`, { signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    expect(response.status, `body: ${text}\nCLI output:\n${cli!.output()}`).toBe(200);
    expect(response.headers.get("x-greeting")).toBe(GREETING);
    expect(await readFile(join(out, "entry.js"), "utf8")).toContain("createGatewayOnlyWorker");
    const bundled = await readFile(join(out, "dist", "entry.js"), "utf8");
    expect(bundled).not.toContain("node_modules/yaml/");
    expect(bundled).not.toContain("node_modules/hono/");
  });
});

describe("the workerd.capnp serve writes next to the binary config it starts from", () => {
  let upstream: EchoUpstream | undefined;
  let out: string;

  beforeAll(async () => {
    let cli: BackgroundCli;
    ({ upstream, cli, out } = await serveGreeting("serve-text-config"));
    await cli.stop();
  }, 240_000);

  afterAll(async () => {
    await upstream?.close();
  });

  it("starts workerd by hand and proxies through the greeting filter", async () => {
    expect(existsSync(join(out, "workerd.config.bin"))).toBe(true);
    // Any free port instead of the one serve picked, which another test may have taken since.
    const workerd = spawn(workerdBinary(), ["serve", "workerd.capnp", "--socket-addr=http-0=127.0.0.1:0", "--control-fd=3"], {
      cwd: out,
      stdio: ["ignore", "ignore", "pipe", "pipe"],
    });
    const exited = new Promise<void>((resolve) => workerd.once("exit", () => resolve()));
    let stderr = "";
    workerd.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        workerd.stdio[3]!.on("data", (chunk: Buffer) => {
          const listening = /"port":(\d+)/.exec(chunk.toString());
          if (listening) resolve(Number(listening[1]));
        });
        workerd.once("exit", (code) => reject(new Error(`workerd exited with ${code}: ${stderr}`)));
      });
      const response = await fetch(`http://127.0.0.1:${port}/anything`, { signal: AbortSignal.timeout(10_000) });
      const text = await response.text();
      expect(response.status, `body: ${text}\nworkerd: ${stderr}`).toBe(200);
      expect(response.headers.get("x-greeting")).toBe(GREETING);
    } finally {
      workerd.kill("SIGTERM");
      await exited;
    }
  });
});

describe("proxy-wasm-workers serve with preserve_host", () => {
  let upstream: EchoUpstream | undefined;
  let cli: BackgroundCli | undefined;
  let url: string;

  beforeAll(async () => {
    ensureBuiltFilters();
    upstream = await startEchoUpstream({ port: 0 });
    const dir = join(work, "serve-preserve-host");
    await mkdir(dir, { recursive: true });
    await writeFile(
      join(dir, "kong.yml"),
      `_format_version: "3.0"\nservices:\n  - name: demo\n    url: http://127.0.0.1:${upstream.port}\n    routes:\n      - { name: kept, paths: ["/kept"], preserve_host: true }\n      - { name: plain, paths: ["/plain"] }\n`,
    );
    cli = startCli(["serve", "--config", "kong.yml", "--filters", BUILT_FILTERS, "--out", join(dir, "out"), "--port", "0"], dir);
    [, url] = await cli.waitFor(/proxy-wasm-workers serving kong\.yml on (http:\/\/\S+)/, 60_000);
  }, 240_000);

  afterAll(async () => {
    await cli?.stop();
    await upstream?.close();
  });

  /** GET `path` with `Host: host` (fetch cannot set Host). */
  function getWithHost(path: string, host: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(`${url}${path}`, { headers: { host }, timeout: 10_000 }, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on("error", reject);
      request.end();
    });
  }

  it("gives the upstream the client's Host on a preserve_host route, and the service's elsewhere", async () => {
    const kept = await getWithHost("/kept/a", "client.example:8443");
    expect(kept.status, `CLI output:\n${cli!.output()}`).toBe(200);
    expect((JSON.parse(kept.body) as Echo).headers.host).toBe("client.example:8443");
    const plain = await getWithHost("/plain/a", "client.example:8443");
    expect((JSON.parse(plain.body) as Echo).headers.host).toBe(`127.0.0.1:${upstream!.port}`);
  });
});
