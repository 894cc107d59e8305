/**
 * Header-map serialisation (abi/pairs.ts) with 20 headers: what every
 * `proxy_get_header_map_pairs` / `proxy_set_header_map_pairs` pays.
 * @module
 */
import { bench, do_not_optimize, run } from "mitata";
import { decodePairs, encodePairs } from "../../abi/pairs.ts";
import { reportMitata } from "./report-line.ts";
import { isTty, REQUEST_HEADERS } from "./support.ts";

const twenty = [...REQUEST_HEADERS, ["x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7"], ["x-b3-spanid", "e457b5a2e4d86bd1"], ["x-b3-sampled", "1"], ["via", "1.1 edge"]] as const;
if (twenty.length !== 20) throw new Error(`expected 20 headers, have ${twenty.length}`);
const encoded = encodePairs(twenty);

bench("encodePairs, 20 headers", () => do_not_optimize(encodePairs(twenty)));
bench("decodePairs, 20 headers", () => do_not_optimize(decodePairs(encoded)));

reportMitata(`header-map serialisation (${encoded.length} bytes)`, await run({ colors: isTty }));
