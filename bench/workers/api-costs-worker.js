// The runtime API operations the gateway's request paths make, each repeated REPEAT times per
// request, so that workerd's CPU time per request (bench/workerd-api-costs.ts) divided by REPEAT
// is the cost of one operation. Plain JS: workerd loads it as it is, no bundler in between.
const REPEAT = 500;
const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "te", "transfer-encoding", "upgrade", "host"];
const HOP_BY_HOP_SET = new Set(HOP_BY_HOP);
const KONG_HEADERS = [
  ["x-forwarded-proto", "http"],
  ["x-forwarded-host", "127.0.0.1"],
  ["x-forwarded-port", "80"],
  ["x-forwarded-path", "/none/"],
  ["x-kong-request-id", "0123456789abcdef0123456789abcdef"],
  ["via", "1.1 proxy-wasm-workers/0.1.0"],
];
const BYTES = new Uint8Array(20);
// What a small upstream response carries (bench/upstream-server.ts under node http).
const UPSTREAM_LIKE = new Response(null, {
  status: 200,
  headers: { "content-type": "text/plain", "content-length": "20", date: new Date(0).toUTCString(), connection: "keep-alive", "keep-alive": "timeout=5" },
});

const operations = {
  "nothing (loop only)": () => {},
  "crypto.randomUUID()": () => crypto.randomUUID(),
  "new URL(request.url)": (request) => new URL(request.url),
  "AbortSignal.timeout(ms)": () => AbortSignal.timeout(120_000),
  "AbortController + setTimeout + clearTimeout": () => {
    const controller = new AbortController();
    clearTimeout(setTimeout(() => controller.abort(), 120_000));
  },
  "request.headers.get(name)": (request) => request.headers.get("via"),
  "new Headers(request.headers) (copy)": (request) => new Headers(request.headers),
  "copy, delete 7 hop-by-hop, set 6 Kong headers": (request) => {
    const headers = new Headers(request.headers);
    for (const name of HOP_BY_HOP) headers.delete(name);
    for (const [name, value] of KONG_HEADERS) headers.set(name, value);
  },
  "request headers → [name, value] pairs (forEach)": (request) => {
    const pairs = [];
    request.headers.forEach((value, name) => {
      if (!HOP_BY_HOP_SET.has(name)) pairs.push([name, value]);
    });
  },
  "request headers → pairs (spread)": (request) => [...request.headers],
  "request headers counted (keys)": (request) => {
    let count = 0;
    for (const _ of request.headers.keys()) count++;
    return count;
  },
  "response.headers → pairs (forEach)": (_request, _ctx, response) => {
    const pairs = [];
    response.headers.forEach((value, name) => pairs.push([name, value]));
  },
  "new Response(body, response) + 4 sets": (_request, _ctx, response) => {
    const copy = new Response(null, response);
    for (const [name, value] of KONG_HEADERS.slice(0, 4)) copy.headers.set(name, value);
  },
  "new Headers(response.headers) + 4 sets + new Response(body, { status, headers })": (_request, _ctx, response) => {
    const headers = new Headers(response.headers);
    for (const [name, value] of KONG_HEADERS.slice(0, 4)) headers.set(name, value);
    return new Response(null, { status: response.status, headers });
  },
  "queueMicrotask(f)": () => queueMicrotask(() => {}),
  "new Headers() + 6 appends": () => {
    const headers = new Headers();
    for (const [name, value] of KONG_HEADERS) headers.append(name, value);
  },
  "new Headers(array of 6 pairs)": () => new Headers(KONG_HEADERS),
  "new Response(20 bytes, init)": () => new Response(BYTES, { status: 200, headers: { "content-length": "20" } }),
  "ctx.waitUntil(Promise.resolve().then(f))": (_request, ctx) => ctx.waitUntil(Promise.resolve().then(() => {})),
};

export default {
  async fetch(request, _env, ctx) {
    const name = decodeURIComponent(new URL(request.url).pathname.slice(1));
    const operation = operations[name];
    if (!operation) return Response.json(Object.keys(operations));
    for (let i = 0; i < REPEAT; i++) operation(request, ctx, UPSTREAM_LIKE);
    return new Response("ok");
  },
};
