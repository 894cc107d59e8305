/**
 * One request through one plugin in process (no HTTP): exchange + stream, on_request_headers,
 * on_response_headers, done/log/delete, with the real abi/ classes. Target: < 20 µs with the
 * greeting filter. The trivial WAT guests show the host's own share; "empty exchange" the cost
 * of building the header maps alone. Each filter runs fuel-metered, as the build bundles it (the
 * number the target uses), and unmetered, as built: the difference is what metering costs.
 * @module
 */
import { bench, do_not_optimize, run, summary } from "mitata";
import { HttpExchange } from "../../abi/exchange.ts";
import { HeaderMap } from "../../abi/header-map.ts";
import { reportMitata } from "./report-line.ts";
import { filterModule, isTty, noProperties, oneRequest, REQUEST_HEADERS, RESPONSE_HEADERS, startPlugin } from "./support.ts";

const GREETING_CONFIG = JSON.stringify({ my_greeting: "Hello from Kong using WebAssembly!" });
const plugins = (metered: boolean) => ({
  greeting: startPlugin("greeting", filterModule("greeting", undefined, { metered }), GREETING_CONFIG),
  trapWhenAsked: startPlugin("trap-when-asked", filterModule("trap-when-asked", undefined, { metered })),
  rust: startPlugin("rust-sdk-add-header", filterModule("rust-sdk-add-header", undefined, { metered })),
});
const metered = plugins(true);
const unmetered = plugins(false);

summary(() => {
  bench("header maps only (no filter)", () => {
    const exchange = new HttpExchange(new HeaderMap(REQUEST_HEADERS), noProperties);
    exchange.responseHeaders = new HeaderMap(RESPONSE_HEADERS);
    do_not_optimize(exchange);
  });
  bench("greeting (AssemblyScript), metered", () => oneRequest(metered.greeting));
  bench("greeting (AssemblyScript), unmetered", () => oneRequest(unmetered.greeting));
  bench("trap-when-asked (WAT, 1 host call per phase), metered", () => oneRequest(metered.trapWhenAsked));
  bench("trap-when-asked (WAT, 1 host call per phase), unmetered", () => oneRequest(unmetered.trapWhenAsked));
  bench("rust-sdk-add-header (WAT, SDK-like), metered", () => oneRequest(metered.rust));
  bench("rust-sdk-add-header (WAT, SDK-like), unmetered", () => oneRequest(unmetered.rust));
});

reportMitata("one request through one plugin", await run({ colors: isTty }));
