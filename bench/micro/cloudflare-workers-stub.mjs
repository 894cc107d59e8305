// Lets the in-process benchmarks import the worker under Node: `cloudflare:workers` (imported by
// the global-state Durable Object, which these benchmarks never run) resolves to a stand-in.
import { register } from "node:module";

const STUB = "export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }";
const hooks = `export async function resolve(specifier, context, next) {
  if (specifier === "cloudflare:workers") return { url: "data:text/javascript," + encodeURIComponent(${JSON.stringify(STUB)}), shortCircuit: true };
  return next(specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
