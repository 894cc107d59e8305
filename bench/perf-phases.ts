/**
 * Attributes the CPU samples of `perf record -g` runs of workerd to the phases of a cold start,
 * from the call stack of each sample: the first phase in the list that any of its frames names
 * decides, so the filter's first log line inside the first request counts as logging, and the
 * JS a module runs at its top level as evaluation, not as the request.
 * Needs workerd started with V8's `--perf-basic-prof --interpreted-frames-native-stack`, so
 * JS frames carry their function names (from /tmp/perf-<pid>.map).
 * @module
 */
import { spawnSync } from "node:child_process";

/** A phase and the frames (symbol patterns) that mark it. */
interface Phase {
  name: string;
  frames: RegExp;
}

/** Most specific first: a sample belongs to the first phase that any frame of its stack names. */
const PHASES: readonly Phase[] = [
  { name: "console output (a filter's log line)", frames: /JS:[~^*+']?proxy_log |node-internal:internal_inspect|formatWithOptions/ },
  { name: "wasm compile", frames: /WasmEngine::SyncCompile|wasm::CompileLazy|wasm::ModuleDecoder|WasmModuleObject::New/ },
  { name: "JS compile (module parse)", frames: /tryCompileLegacyModule|Parser::ParseProgram|ScriptCompiler::CompileModule/ },
  { name: "module evaluation (top-level code)", frames: /SourceTextModule::Evaluate/ },
  { name: "first request (gateway JS, filters' callbacks)", frames: /JS:[~^*+']?fetch entry\.js|Builtins_JSToWasmWrapper|Execution::Call/ },
  { name: "config (capnp)", frames: /capnp::SchemaParser|capnp::compiler::|capnp::readMessage|FlatArrayMessageReader/ },
];

const REST = "workerd's own start (V8, isolate, sockets, loading the binary)";

/** Milliseconds of sampled CPU per phase in one recording. */
export type PhaseTimes = Map<string, number>;

/** The phases in report order, the rest last. */
export const phaseNames: readonly string[] = [...PHASES.map((phase) => phase.name), REST];

/** Reads one `perf.data` file of the `cpu-clock` event (each sample's period is its CPU time in ns). */
export function phaseTimes(perfData: string): PhaseTimes {
  const script = spawnSync("perf", ["script", "-i", perfData, "-F", "period,ip,sym"], { encoding: "utf8", maxBuffer: 1 << 30 });
  if (script.status !== 0) throw new Error(`perf script failed on ${perfData}: ${script.stderr}`);
  const times: PhaseTimes = new Map(phaseNames.map((name) => [name, 0]));
  // Each sample: its period on a line, then its stack, leaf first, a frame a line; a blank line ends it.
  for (const sample of script.stdout.split(/\n\s*\n/)) {
    const [period, ...frames] = sample.split("\n").filter((line) => line.trim() !== "");
    if (period === undefined) continue;
    const phase = phaseOf(frames);
    times.set(phase, (times.get(phase) ?? 0) + Number(period) / 1e6);
  }
  return times;
}

function phaseOf(frames: readonly string[]): string {
  return PHASES.find((phase) => frames.some((frame) => phase.frames.test(frame)))?.name ?? REST;
}
