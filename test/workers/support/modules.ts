/** The filters built by `npm run build:filters`, imported as precompiled modules like the real bundle. */
import greeting from "../../../build/filters/greeting.wasm";
import trapWhenAsked from "../../../build/guests/trap-when-asked.wasm";

export const modules: Record<string, WebAssembly.Module> = {
  greeting,
  "trap-when-asked": trapWhenAsked,
};
