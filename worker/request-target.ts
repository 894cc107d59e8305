/**
 * The path and query of a request as the client sent them. `URL#search` is "" both without a
 * query and with an empty one (`/path?`); Kong keeps the `?` of the latter, so do we.
 * @module
 */
export function pathAndQuery(url: URL): string {
  if (url.search !== "") return url.pathname + url.search;
  const query = url.href.indexOf("?");
  return query >= 0 && (url.hash === "" || query < url.href.indexOf("#")) ? `${url.pathname}?` : url.pathname;
}
