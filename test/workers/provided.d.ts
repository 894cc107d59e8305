import "vitest";

declare module "vitest" {
  export interface ProvidedContext {
    /** Port of the echo upstream on 127.0.0.1 (test/setup/echo-upstream.ts). */
    upstreamPort: number;
  }
}
