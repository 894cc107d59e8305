/**
 * One request through one plugin in process (no HTTP): exchange + stream, on_request_headers,
 * on_response_headers, done/log/delete, with the real abi/ classes. Target: < 20 µs with the
 * greeting filter. The trivial WAT guests show the host's own share; "empty exchange" the cost
 * of building the header maps alone.
 * @module
 */
import { bench, do_not_optimize, run, summary } from "mitata";
import { HttpExchange } from "../../abi/exchange.ts";
import { HeaderMap } from "../../abi/header-map.ts";
import { reportMitata } from "./report-line.ts";
import { filterModule, isTty, noProperties, oneRequest, REQUEST_HEADERS, RESPONSE_HEADERS, startPlugin } from "./support.ts";

const greeting = startPlugin("greeting", filterModule("greeting"), JSON.stringify({ my_greeting: "Hello from Kong using WebAssembly!" }));
const trapWhenAsked = startPlugin("trap-when-asked", filterModule("trap-when-asked"));
const rust = startPlugin("rust-sdk-add-header", filterModule("rust-sdk-add-header"));

summary(() => {
  bench("header maps only (no filter)", () => {
    const exchange = new HttpExchange(new HeaderMap(REQUEST_HEADERS), noProperties);
    exchange.responseHeaders = new HeaderMap(RESPONSE_HEADERS);
    do_not_optimize(exchange);
  });
  bench("greeting (AssemblyScript)", () => oneRequest(greeting));
  bench("trap-when-asked (WAT, 1 host call per phase)", () => oneRequest(trapWhenAsked));
  bench("rust-sdk-add-header (WAT, SDK-like)", () => oneRequest(rust));
});

reportMitata("one request through one plugin", await run({ colors: isTty }));
