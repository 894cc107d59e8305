import type { TestProject } from "vitest/node";
import { startEchoUpstream } from "../../cli/echo-upstream.ts";

declare module "vitest" {
  export interface ProvidedContext {
    upstreamPort: number;
  }
}

/** Starts the real HTTP upstream the workerd tests proxy to, on 127.0.0.1. */
export default async function setup(project: TestProject) {
  const upstream = await startEchoUpstream({ port: 0 });
  project.provide("upstreamPort", upstream.port);
  return () => upstream.close();
}
