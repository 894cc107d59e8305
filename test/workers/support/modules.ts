/** The filters built by `npm run build:filters`, imported as precompiled modules like the real bundle. */
import greeting from "../../../build/filters/greeting.wasm";

export const modules: Record<string, WebAssembly.Module> = { greeting };
