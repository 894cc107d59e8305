// autocannon ships no types and @types/autocannon is not installed: the part bench/load.ts and
// bench/soak.ts use.
declare module "autocannon" {
  namespace autocannon {
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      pipelining?: number;
      method?: string;
      body?: string | Buffer;
      headers?: Record<string, string>;
      /** Seconds a request may take before it counts as a timeout (default 10). */
      timeout?: number;
      /** The requests each connection sends in turn (instead of `url`'s path). */
      requests?: Request[];
    }
    /** Per connection: what a request's setup writes there its response's handler reads. */
    type Context = Record<string, unknown>;
    interface RawRequest {
      path?: string;
      method?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
    }
    interface Request extends RawRequest {
      setupRequest?(request: RawRequest, context: Context): RawRequest;
      onResponse?(status: number, body: string, context: Context, headers: Record<string, string>): void;
    }
    interface Histogram {
      average: number;
      mean: number;
      p50: number;
      p90: number;
      p99: number;
      max: number;
      total: number;
    }
    interface Result {
      requests: Histogram;
      latency: Histogram;
      throughput: Histogram;
      errors: number;
      timeouts: number;
      non2xx: number;
      mismatches: number;
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
