/** How the gateway names itself in `Via` and `Server` headers. */
export const PRODUCT = "proxy-wasm-workers";
export const VERSION = "0.1.0";
export const SERVER = `${PRODUCT}/${VERSION}`;
