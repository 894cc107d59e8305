/**
 * `proxy-wasm-workers run FILTER.wasm`: one request through the filter offline, printed as a
 * trace and the messages upstream and client would see. Exit status: 0 the request went through
 * the filter; 2 the filter failed (a trap, a rejected configuration, a pause nothing resumed);
 * 3 the client did not get `--expect-status` (e.g. a local response where none was expected).
 * @module
 */
import { readFile } from "node:fs/promises";
import { basename } from "node:path";
import { CliError } from "./cli-error.ts";
import { runOffline, type OfflineResult, type ResponseSpec, type SentCallout } from "./offline-request.ts";
import type { RunOptions } from "./run-options.ts";
import { resultText } from "./trace-text.ts";

/** Exit statuses of `run` beyond 0 (went through) and 1 (usage or file error). */
export const RUN_EXIT = { filterFailed: 2, unexpectedStatus: 3 } as const;

/** Loads the filter, runs the request, prints the result and answers the exit status. */
export async function runCommand(options: RunOptions): Promise<number> {
  let module: WebAssembly.Module;
  try {
    module = await WebAssembly.compile(await readFile(options.file));
  } catch (error) {
    throw new CliError(`${options.file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const result = await runOffline({
    filter: basename(options.file).replace(/\.wasm$/, ""),
    module,
    config: options.config,
    rootId: options.rootId,
    vmConfig: options.vmConfig,
    request: options.request,
    upstream: options.upstream,
    callout: options.callout,
    ...(options.calloutUrl !== null && { sendCallout: fetchCallout(options.calloutUrl) }),
    ticks: options.ticks,
    logLevel: options.logLevel,
    showAllocations: options.showAllocations,
  });
  const status = runExitStatus(result, options.expectStatus);
  if (options.json) process.stdout.write(JSON.stringify({ ...result, exitStatus: status }, null, 2) + "\n");
  else {
    process.stdout.write(resultText(result));
    if (status === RUN_EXIT.unexpectedStatus) process.stdout.write(`\n✗ expected status ${options.expectStatus}, the client got ${result.response.status} (${result.response.source.replace("_", " ")})\n`);
  }
  return status;
}

/** The exit status a result deserves: a failure first, then the expected status. */
export function runExitStatus(result: OfflineResult, expectStatus: number | null): number {
  if (result.failure !== null) return RUN_EXIT.filterFailed;
  if (expectStatus !== null && result.response.status !== expectStatus) return RUN_EXIT.unexpectedStatus;
  return 0;
}

/**
 * Sends callouts to `base` + their `:path` with their method, headers and body (`--callout-url`);
 * a network error or timeout is a broken connection.
 */
export function fetchCallout(base: string): (callout: SentCallout, timeoutMs: number) => Promise<ResponseSpec | null> {
  return async (callout, timeoutMs) => {
    const pseudo = (name: string) => callout.headers.find(([n]) => n === name)?.[1];
    const headers = new Headers();
    for (const [name, value] of callout.headers) if (!name.startsWith(":")) headers.append(name, value);
    const method = pseudo(":method") ?? "GET";
    const response = await fetch(base + (pseudo(":path") ?? "/"), {
      method,
      headers,
      body: method === "GET" || method === "HEAD" || callout.body === "" ? undefined : callout.body,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const responseHeaders: [string, string][] = [];
    response.headers.forEach((value, name) => responseHeaders.push([name, value]));
    return { status: response.status, headers: responseHeaders, body: await response.text() };
  };
}
