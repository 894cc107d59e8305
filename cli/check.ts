/**
 * `proxy-wasm-workers check FILTER.wasm…`: what a filter is and whether this host can run it —
 * ABI version, toolchain, callbacks, imports (and any the host lacks), size against Workers'
 * limits, declared memory, compile and start times on this machine, and whether fuel metering
 * instruments it cleanly.
 * @module
 */
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import type { VmHost } from "../abi/host-api.ts";
import { encodeUtf8 } from "../abi/memory.ts";
import { Plugin } from "../abi/plugin.ts";
import { LogLevel, type AbiVersion } from "../abi/types.ts";
import { Vm } from "../abi/vm.ts";
import { describe } from "../abi/errors.ts";
import { moduleFacts, type DeclaredMemory } from "./module-facts.ts";
import { detectToolchain, TOOLCHAIN_NAMES, type ToolchainGuess } from "./toolchain.ts";
import { createTracedVm, Trace } from "./traced-vm.ts";

/** Cloudflare's documented compressed script size limits (the whole worker, not one filter). */
export const WORKERS_SIZE_LIMITS = { freeGzipBytes: 3 * 1000 * 1000, paidGzipBytes: 10 * 1000 * 1000 } as const;

/** What `check` found out about one file. */
export interface CheckReport {
  file: string;
  /** False when the file is not a Proxy-Wasm module or cannot load; `reason` says why in one line. */
  ok: boolean;
  reason?: string;
  size?: { rawBytes: number; gzipBytes: number; overFreeLimit: boolean; overPaidLimit: boolean };
  abiVersions?: string[];
  toolchain?: ToolchainGuess & { name: string };
  callbacks?: string[];
  hostCalls?: string[];
  wasi?: string[];
  otherImports?: string[];
  /** Imports this host does not provide (there should be none). */
  missingImports?: string[];
  customSections?: string[];
  memory?: DeclaredMemory | null;
  timings?: { compileMs: number; startMs: number; startSteps: string[]; pluginStartMs: number | null };
  /** Start-up of the plugin (on_vm_start, on_configure with the given configuration). */
  pluginStart?: { ok: boolean; detail: string };
  metering?: { ok: boolean; detail: string };
}

const quietHost = (logs: string[]): VmHost => ({
  log: (_filter, level, message) => void logs.push(`[${level}] ${message}`),
  logLevel: () => LogLevel.Warn,
  now: () => BigInt(Date.now()) * 1_000_000n,
  monotonic: () => BigInt(Math.round(performance.now() * 1e6)),
  random: (bytes) => void crypto.getRandomValues(bytes),
  services: {},
});

/** Checks one file; never throws for what the file contains. */
export async function checkFilter(file: string, config = ""): Promise<CheckReport> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    return { file, ok: false, reason: `cannot read it: ${(error as NodeJS.ErrnoException).code ?? describe(error)}` };
  }
  return checkBytes(file, bytes, config);
}

/** Checks a module given as bytes (`file` only names it in the report). */
export async function checkBytes(file: string, bytes: Uint8Array, config = ""): Promise<CheckReport> {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    return { file, ok: false, reason: "not a WebAssembly module (no \\0asm header)" };
  }
  const compileStarted = performance.now();
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  } catch (error) {
    return { file, ok: false, reason: `does not compile: ${error instanceof Error ? error.message : String(error)}` };
  }
  const compileMs = performance.now() - compileStarted;
  const facts = moduleFacts(bytes, module);
  const gzipBytes = gzipSync(bytes).length;
  const report: CheckReport = {
    file,
    ok: true,
    size: {
      rawBytes: bytes.length,
      gzipBytes,
      overFreeLimit: gzipBytes > WORKERS_SIZE_LIMITS.freeGzipBytes,
      overPaidLimit: gzipBytes > WORKERS_SIZE_LIMITS.paidGzipBytes,
    },
    abiVersions: facts.abiVersions,
    toolchain: { ...detectToolchain(facts), name: "" },
    callbacks: facts.callbacks,
    hostCalls: facts.hostCalls,
    wasi: facts.wasi,
    otherImports: facts.otherImports,
    customSections: facts.customSections,
    memory: facts.memory,
  };
  report.toolchain!.name = TOOLCHAIN_NAMES[report.toolchain!.toolchain];
  const abi = facts.abiVersions.find((version): version is AbiVersion => version === "0.2.1" || version === "0.2.0" || version === "0.1.0");
  if (facts.abiVersions.length === 0) return { ...report, ok: false, reason: "not a Proxy-Wasm module: it exports no proxy_abi_version_* marker" };
  if (abi === undefined) return { ...report, ok: false, reason: `unsupported Proxy-Wasm ABI ${facts.abiVersions.join(", ")} (this host speaks 0.1.0, 0.2.0, 0.2.1)` };

  const logs: string[] = [];
  const options = { filter: "check", vmId: "check", abi, env: {}, host: quietHost(logs) };
  const startSteps = ["_initialize", "main", "__main_void", "_start"].filter((name) => facts.exports.includes(name));
  const startStarted = performance.now();
  let vm: Vm;
  try {
    const traced = createTracedVm(module, options, new Trace());
    vm = traced.vm;
    report.missingImports = facts.imports.map((entry) => `${entry.module}.${entry.name}`).filter((name) => !traced.provided.has(name));
  } catch (error) {
    report.missingImports = missingOnFailure(facts.imports, error);
    return { ...report, ok: false, reason: `cannot load: ${error instanceof Error ? error.message : String(error)}` };
  }
  const startMs = performance.now() - startStarted;
  const pluginStarted = performance.now();
  try {
    Plugin.start(vm, { name: "check", rootId: "", configuration: encodeUtf8(config), vmConfiguration: new Uint8Array(0) });
    report.pluginStart = { ok: true, detail: "on_context_create, on_vm_start and on_configure succeeded" };
  } catch (error) {
    const hint = config === "" ? " (with an empty configuration; pass --config to check with yours)" : "";
    report.pluginStart = { ok: false, detail: `${error instanceof Error ? error.message : String(error)}${hint}` };
  }
  report.timings = { compileMs, startMs, startSteps: startSteps.filter((name) => name !== "_start" || !startSteps.includes("_initialize")), pluginStartMs: performance.now() - pluginStarted };
  report.metering = await meteringOf(bytes, options);
  return report;
}

/** When linking failed, the engine names the first missing import; the rest are unknown. */
function missingOnFailure(imports: { module: string; name: string }[], error: unknown): string[] {
  const message = error instanceof Error ? error.message : String(error);
  return imports.map((entry) => `${entry.module}.${entry.name}`).filter((name) => message.includes(`"${name.split(".")[1]}"`));
}

async function meteringOf(bytes: Uint8Array, options: Parameters<typeof Vm.create>[1]): Promise<{ ok: boolean; detail: string }> {
  // Loaded on first use: binaryen takes seconds to load, and only this step needs it.
  const { meterModule } = await import("../metering/meter-module.ts");
  try {
    const metered = meterModule(bytes);
    const { functions, loops, sizeBefore, sizeAfter } = metered.stats;
    try {
      Vm.create(new WebAssembly.Module(metered.bytes as Uint8Array<ArrayBuffer>), { ...options, filter: "check-metered" });
    } catch (error) {
      return { ok: false, detail: `instruments, but the metered module does not start: ${error instanceof Error ? error.message : String(error)}` };
    }
    const growth = (((sizeAfter - sizeBefore) / sizeBefore) * 100).toFixed(1);
    return { ok: true, detail: `instruments cleanly: ${functions} functions, ${loops} loops checked; ${sizeBefore} → ${sizeAfter} bytes (+${growth}%); the metered module starts` };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}

/** The callbacks this host calls (abi/exports.ts); the SDKs export more (gRPC, TCP, metadata). */
const HOST_CALLBACKS = new Set(
  ["context_create", "vm_start", "configure", "request_headers", "request_body", "request_trailers", "response_headers", "response_body", "response_trailers", "done", "log", "delete", "tick", "http_call_response", "queue_ready", "foreign_function"]
    .map((name) => `proxy_on_${name}`)
    .concat("proxy_validate_configuration"),
);

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const ms = (value: number) => `${value.toFixed(1)} ms`;
const list = (names: readonly string[] | undefined) => (names && names.length > 0 ? names.join(", ") : "none");

/** The report as `check` prints it. */
export function checkText(report: CheckReport): string {
  // A module that is not Proxy-Wasm or cannot load gets one line (the details are in --json).
  if (!report.ok) return `${report.file}: ${report.reason}\n`;
  const lines = [`${report.file}: ok`];
  const row = (label: string, value: string) => lines.push(`  ${label.padEnd(13)} ${value}`);
  row("ABI", list(report.abiVersions));
  const t = report.toolchain!;
  row("toolchain", `${t.name}${t.confidence === "none" ? "" : ` (${t.confidence}: ${t.evidence.join("; ")})`}`);
  const served = report.callbacks!.filter((name) => HOST_CALLBACKS.has(name));
  const never = report.callbacks!.filter((name) => !HOST_CALLBACKS.has(name));
  row("callbacks", `${served.length}: ${list(served)}`);
  if (never.length > 0) row("", `${never.length} more this host never calls (gRPC, TCP, metadata): ${never.join(", ")}`);
  row("host calls", `${report.hostCalls!.length}: ${list(report.hostCalls)}`);
  row("WASI", `${report.wasi!.length}: ${list(report.wasi!.map((name) => name.replace("wasi_snapshot_preview1.", "")))}`);
  row("other imports", list(report.otherImports));
  if (report.missingImports) row("missing", report.missingImports.length === 0 ? "none: this host provides every import" : `✗ ${report.missingImports.join(", ")}`);
  const size = report.size!;
  const limit = size.overPaidLimit ? " ✗ over the Paid plan's 10 MB" : size.overFreeLimit ? " ✗ over the Free plan's 3 MB" : "";
  row("size", `${kib(size.rawBytes)} raw, ${kib(size.gzipBytes)} gzipped (Workers: 3 MB gzipped on Free, 10 MB on Paid, for the whole worker)${limit}`);
  const memory = report.memory;
  row("memory", memory ? (memory.imported ? "imported" : `${memory.initialPages} pages (${kib(memory.initialPages * 65536)}) initial, ${memory.maxPages === null ? "no maximum" : `maximum ${memory.maxPages} pages`}`) : "none declared");
  if (report.customSections) row("sections", list(report.customSections));
  if (report.timings) {
    const { compileMs, startMs, startSteps, pluginStartMs } = report.timings;
    row("compile", ms(compileMs));
    row("start", `${ms(startMs)} (instantiate${startSteps.length > 0 ? `, ${startSteps.join(", ")}` : ""})`);
    if (pluginStartMs !== null) row("plugin start", `${ms(pluginStartMs)} (on_context_create, on_vm_start, on_configure)${report.pluginStart?.ok ? "" : ` ✗ ${report.pluginStart?.detail}`}`);
  }
  if (report.metering) row("metering", report.metering.ok ? report.metering.detail : `✗ ${report.metering.detail}`);
  return lines.join("\n") + "\n";
}

/** Runs `check` over `files`: prints each report (or one JSON array) and answers the exit status. */
export async function checkCommand(options: { files: string[]; json: boolean; config: string }): Promise<number> {
  const reports: CheckReport[] = [];
  for (const file of options.files) reports.push(await checkFilter(file, options.config));
  if (options.json) process.stdout.write(JSON.stringify(reports, null, 2) + "\n");
  else for (const report of reports) (report.ok ? process.stdout : process.stderr).write(checkText(report));
  return reports.every((report) => report.ok) ? 0 : 1;
}
