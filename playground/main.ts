/**
 * The playground page: load a filter (drop or choose a `.wasm`), edit the plugin settings, the
 * request and the upstream's answer, run, and read the trace and the result. The filter runs in
 * this tab through `abi/` (via the same offline runner as `proxy-wasm-workers run`); nothing
 * leaves the browser.
 * @module
 */
import { LOG_LEVEL_NAMES, type LogLevel } from "../abi/types.ts";
import { moduleFacts } from "../cli/module-facts.ts";
import { parseHeaderLine, runOffline, type ResponseSpec } from "../cli/offline-request.ts";
import { detectToolchain, TOOLCHAIN_NAMES } from "../cli/toolchain.ts";
import { messageLines, traceLines } from "../cli/trace-text.ts";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const value = (id: string) => $<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(id).value;

let loaded: { name: string; module: WebAssembly.Module } | null = null;

function headerLines(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const pair = parseHeaderLine(line);
    if (pair === null) throw new Error(`"${line}" is not a "name: value" header line`);
    pairs.push([pair[0], pair[1]]);
  }
  return pairs;
}

function requestLine(text: string): [string, string] {
  const parts = text.trim().split(/\s+/);
  const [method, path] = parts.length === 1 ? ["GET", parts[0]] : parts;
  if (parts.length > 2 || !path?.startsWith("/")) throw new Error(`the request must look like "GET /path", not "${text}"`);
  return [method.toUpperCase(), path];
}

function callout(text: string): ResponseSpec | null {
  if (text.trim() === "") return null;
  const match = /^\s*(\d{3})(?:\s+([\s\S]*))?$/.exec(text);
  if (!match) throw new Error(`callouts must look like "200 body", not "${text}"`);
  return { status: Number(match[1]), headers: [], body: match[2] ?? "" };
}

async function load(file: File): Promise<void> {
  const summary = $("module");
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const module = await WebAssembly.compile(bytes);
    const facts = moduleFacts(bytes, module);
    if (facts.abiVersions.length === 0) throw new Error("not a Proxy-Wasm module: it exports no proxy_abi_version_* marker");
    const toolchain = detectToolchain(facts);
    loaded = { name: file.name.replace(/\.wasm$/, ""), module };
    summary.textContent = `${file.name}: ABI ${facts.abiVersions.join(", ")}, ${TOOLCHAIN_NAMES[toolchain.toolchain]}, ${facts.callbacks.length} callbacks, ${(bytes.length / 1024).toFixed(1)} KiB`;
    $<HTMLButtonElement>("run").disabled = false;
  } catch (error) {
    loaded = null;
    $<HTMLButtonElement>("run").disabled = true;
    summary.textContent = `${file.name}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function run(): Promise<void> {
  const summary = $("summary");
  if (loaded === null) {
    summary.textContent = "Load a filter first.";
    return;
  }
  summary.classList.remove("failed");
  summary.textContent = "Running…";
  try {
    const [method, path] = requestLine(value("request-line"));
    const result = await runOffline({
      filter: loaded.name,
      module: loaded.module,
      config: value("config"),
      rootId: value("root-id"),
      vmConfig: value("vm-config"),
      request: { method, path, headers: headerLines(value("request-headers")), body: value("request-body") },
      upstream: { status: Number(value("upstream-status")) || 200, headers: headerLines(value("upstream-headers")), body: value("upstream-body") },
      callout: callout(value("callout")),
      ticks: Math.max(0, Math.min(100, Number(value("ticks")) || 0)),
      logLevel: (LOG_LEVEL_NAMES as readonly string[]).indexOf(value("log-level")) as LogLevel,
    });
    $("trace").textContent = traceLines(result.trace).join("\n");
    const up = result.upstreamRequest;
    $("upstream-request").textContent = up ? messageLines(`${up.method} ${up.path} (authority ${up.authority})`, up).join("\n") : "(not sent: the request ended before the upstream)";
    $("client-response").textContent = messageLines(String(result.response.status), result.response).join("\n");
    const source = result.response.source.replace("_", " ");
    summary.textContent = result.failure ? `Filter failed: ${result.failure} — client got ${result.response.status} (${source})` : `Client got ${result.response.status} (${source})`;
    summary.classList.toggle("failed", result.failure !== null);
  } catch (error) {
    summary.textContent = error instanceof Error ? error.message : String(error);
    summary.classList.add("failed");
  }
}

$<HTMLInputElement>("file").addEventListener("change", (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) void load(file);
});
$("setup").addEventListener("submit", (event) => {
  event.preventDefault();
  void run();
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    void run();
  }
});
const drop = $("drop");
document.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("dragging");
});
document.addEventListener("dragleave", () => drop.classList.remove("dragging"));
document.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("dragging");
  const file = event.dataTransfer?.files[0];
  if (file) void load(file);
});
