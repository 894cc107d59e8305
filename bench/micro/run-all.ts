/**
 * Runs each microbenchmark in its own Node process (no shared heap or JIT state between them)
 * and collects their report lines.
 * @module
 */
import { fileURLToPath } from "node:url";
import { startProcess } from "../processes.ts";
import type { MicroResult } from "./report-line.ts";

const FILES = ["lifecycle.ts", "pairs.ts", "vm-start.ts", "vm-memory.ts", "gateway-in-process.ts"];

export async function runMicro(quick: boolean, log: (message: string) => void): Promise<MicroResult[]> {
  const results: MicroResult[] = [];
  for (const file of FILES) {
    log(`micro ${file}`);
    const path = fileURLToPath(new URL(`./${file}`, import.meta.url));
    const stub = fileURLToPath(new URL("./cloudflare-workers-stub.mjs", import.meta.url));
    const child = startProcess(process.execPath, ["--expose-gc", "--import", stub, "--import", "tsx", path], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...(quick ? { BENCH_VMS: "20", BENCH_QUICK: "1" } : {}) },
    });
    let text = "";
    child.process.stdout?.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      for (const line of chunk.toString().split("\n")) if (line && !line.startsWith('{"micro"')) console.log(`  ${line}`);
    });
    const status = await child.exited;
    if (status !== 0) throw new Error(`bench/micro/${file} exited with status ${status}`);
    for (const line of text.split("\n")) if (line.startsWith('{"micro"')) results.push((JSON.parse(line) as { micro: MicroResult }).micro);
  }
  return results;
}
