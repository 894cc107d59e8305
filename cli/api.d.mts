/**
 * `proxy-wasm-workers/cli`: the command line as a function.
 * @module
 */

/**
 * Runs one command line (without `node` and the script, e.g. `["build", "--config", "kong.yml"]`)
 * and resolves with its exit status: 0 on success, 1 after printing a mistake to stderr.
 * `env` supplies Kong's defaults (`KONG_DECLARATIVE_CONFIG`, `KONG_WASM_FILTERS_PATH`, …).
 */
export declare function main(argv: readonly string[], env?: Record<string, string | undefined>): Promise<number>;
