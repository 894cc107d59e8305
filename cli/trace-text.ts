/**
 * The readable form of an offline run: the trace (callbacks with their arguments and results,
 * host calls indented under them with their arguments in words and status, the filter's log
 * lines), then the request the upstream would receive and the response the client would get.
 * Shared by `run`, `test` and the playground.
 * @module
 */
import { LOG_LEVEL_NAMES } from "../abi/types.ts";
import type { Message, OfflineResult } from "./offline-request.ts";
import type { TraceEvent } from "./traced-vm.ts";

/** One line per trace event, indented by nesting. */
export function traceLines(events: readonly TraceEvent[]): string[] {
  return events.map((event) => {
    const indent = "  ".repeat(event.depth);
    switch (event.kind) {
      case "callback": {
        const outcome = event.error !== undefined ? `✗ ${event.error}` : event.result === undefined ? "…" : `→ ${event.result}`;
        return `${indent}▶ ${event.name}(${event.args.join(", ")}) ${outcome}`;
      }
      case "host_call": {
        const outcome = event.status ?? (event.result === null ? "" : `errno ${event.result}`);
        return `${indent}· ${event.name}(${event.detail})${outcome ? ` → ${outcome}` : ""}`;
      }
      case "log":
        return `${indent}[${LOG_LEVEL_NAMES[event.level] ?? event.level}] ${event.message}`;
    }
  });
}

/** A message as lines: its first line, then indented headers, a blank line and the body. */
export function messageLines(first: string, message: Message): string[] {
  const lines = [first, ...message.headers.map(([name, value]) => `  ${name}: ${value}`)];
  if (message.body !== "") lines.push("", ...message.body.split("\n").map((line) => `  ${line}`));
  return lines;
}

/** The whole report of `run`, as printed. */
export function resultText(result: OfflineResult): string {
  const lines = ["── trace ──", ...traceLines(result.trace), ""];
  if (result.callouts.length > 0) {
    lines.push("── callouts ──");
    for (const callout of result.callouts) lines.push(`→ ${callout.upstream} ${callout.headers.map(([n, v]) => `${n}: ${v}`).join("; ")}${callout.body ? ` body ${JSON.stringify(callout.body)}` : ""}`);
    lines.push("");
  }
  lines.push("── upstream request ──");
  if (result.upstreamRequest) {
    const up = result.upstreamRequest;
    lines.push(...messageLines(`${up.method} ${up.path} (authority ${up.authority})`, up));
  } else {
    lines.push("(not sent: the request ended before the upstream)");
  }
  lines.push("", `── client response (${result.response.source.replace("_", " ")}) ──`, ...messageLines(`${result.response.status}`, result.response));
  if (result.failure) lines.push("", `✗ filter failed: ${result.failure}`);
  return lines.join("\n") + "\n";
}
