// What watching a request's `signal` costs (bench/request-signal-cost.ts): once per request, as
// the gateway does it, since the first handler on a request's signal may cost more than later ones.
const listener = { handleEvent() {} };
const handler = () => {};

export default {
  fetch(request) {
    const watch = new URL(request.url).pathname;
    const signal = request.signal;
    if (watch === "/listener-pair") {
      signal.addEventListener("abort", listener);
      signal.removeEventListener("abort", listener);
    } else if (watch === "/listener-kept") {
      signal.addEventListener("abort", listener);
    } else if (watch === "/onabort") {
      if (signal.onabort === null) signal.onabort = handler;
      if (signal.onabort === handler) signal.onabort = null;
    }
    return new Response("ok");
  },
};
