/**
 * Starts bench/upstream-server.ts as a child process and waits for its port.
 * @module
 */
import { fileURLToPath } from "node:url";
import { startProcess, type BenchChild } from "./processes.ts";
import { firstJsonLine } from "./child-output.ts";

export interface Upstream {
  url: string;
  child: BenchChild;
}

const SERVER = fileURLToPath(new URL("./upstream-server.ts", import.meta.url));

export async function startUpstream(): Promise<Upstream> {
  const child = startProcess(process.execPath, ["--import", "tsx", SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  const { port } = await firstJsonLine<{ port: number }>(child, 15_000);
  return { url: `http://127.0.0.1:${port}`, child };
}
