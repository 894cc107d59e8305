/**
 * The machine a run was measured on: numbers from different machines are not comparable.
 * @module
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";
import { workerdBinary } from "../cli/package-paths.ts";

export interface Machine {
  nproc: number;
  cpuModel: string;
  ramGiB: number;
  node: string;
  workerd: string;
  os: string;
  loadGenerator: string;
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.*)$/m.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown";
  } catch {
    return "unknown";
  }
}

function osName(): string {
  try {
    return /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? process.platform;
  } catch {
    return process.platform;
  }
}

export function describeMachine(loadGenerator: string): Machine {
  return {
    nproc: availableParallelism(),
    cpuModel: cpuModel(),
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    workerd: execFileSync(workerdBinary(), ["--version"], { encoding: "utf8" }).trim(),
    os: osName(),
    loadGenerator,
  };
}
