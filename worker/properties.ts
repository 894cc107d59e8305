/**
 * The request's properties as filters read them (proxy-wasm-abi.md §7): Envoy's names and typed
 * encodings, the legacy and `xds.*` spellings, and Kong's `kong.*` names.
 * @module
 */
import type { HttpExchange } from "../abi/exchange.ts";
import type { PropertySource, PropertyValue } from "../abi/host-api.ts";
import type { RouteConfig, ServiceConfig } from "../config/model.ts";
import { VERSION } from "./identity.ts";

/** What the gateway knows about a request beyond its header maps. */
export interface RequestFacts {
  requestId: string;
  /** Milliseconds since the epoch when the request arrived. */
  receivedAt: number;
  protocol: string;
  clientAddress: string | null;
  /** The `traceparent` the upstream gets: callouts of the request continue its trace. */
  traceparent: string;
  route: RouteConfig;
  service: ServiceConfig | null;
}

const str = (value: string | null | undefined): PropertyValue | undefined =>
  value === null || value === undefined ? undefined : { type: "string", value };

function splitQuery(path: string): [string, string] {
  const q = path.indexOf("?");
  return q < 0 ? [path, ""] : [path.slice(0, q), path.slice(q + 1)];
}

export class RequestProperties implements PropertySource {
  exchange!: HttpExchange;

  constructor(readonly facts: RequestFacts) {}

  get(path: readonly string[]): PropertyValue | undefined {
    const [head, name, ...rest] = path;
    if (head === "request") return this.#request(name, rest);
    if (head === "response") return this.#response(name, rest);
    if (head === "source") return this.#source(name);
    if (head === "xds") return this.#config(name);
    if (head === "kong") return this.#kong(path.slice(1).join("."));
    if (path.length === 1) return this.#config(head);
    return undefined;
  }

  /** Every other path is stored as filter state by the ABI layer. */
  set(): undefined {
    return undefined;
  }

  #request(name: string | undefined, rest: string[]): PropertyValue | undefined {
    const headers = this.exchange.requestHeaders;
    const path = headers.get(":path") ?? "/";
    switch (name) {
      case "path":
        return str(path);
      case "url_path":
        return str(splitQuery(path)[0]);
      case "query":
        return str(splitQuery(path)[1]);
      case "host":
        return str(headers.get(":authority"));
      case "scheme":
        return str(headers.get(":scheme"));
      case "method":
        return str(headers.get(":method"));
      case "protocol":
        return str(this.facts.protocol);
      case "id":
        return str(headers.get("x-request-id") ?? this.facts.requestId);
      case "useragent":
        return str(headers.get("user-agent"));
      case "referer":
        return str(headers.get("referer"));
      case "time":
        return { type: "timestamp", value: BigInt(this.facts.receivedAt) * 1_000_000n };
      case "headers":
        return rest.length === 0 ? { type: "map", value: headers.pairs().filter(([n]) => !n.startsWith(":")) } : str(headers.get(rest[0]));
      default:
        return undefined;
    }
  }

  #response(name: string | undefined, rest: string[]): PropertyValue | undefined {
    const headers = this.exchange.responseHeaders;
    if (headers === null) return undefined;
    switch (name) {
      case "code": {
        const code = Number(headers.get(":status"));
        return Number.isInteger(code) ? { type: "int", value: BigInt(code) } : undefined;
      }
      case "headers":
        return rest.length === 0 ? { type: "map", value: headers.pairs().filter(([n]) => !n.startsWith(":")) } : str(headers.get(rest[0]));
      default:
        return undefined;
    }
  }

  #source(name: string | undefined): PropertyValue | undefined {
    const address = this.facts.clientAddress;
    if (address === null) return undefined;
    // Workers do not expose the client's port; Envoy's `ip:port` form keeps port 0.
    if (name === "address") return str(address.includes(":") ? `[${address}]:0` : `${address}:0`);
    if (name === "port") return { type: "int", value: 0n };
    return undefined;
  }

  /** Envoy's configuration attributes; cluster names are service names (DESIGN.md). */
  #config(name: string | undefined): PropertyValue | undefined {
    switch (name) {
      case "route_name":
        return str(this.facts.route.name ?? this.facts.route.id);
      case "cluster_name":
        return str(this.facts.service?.name ?? this.facts.service?.id);
      default:
        return undefined;
    }
  }

  #kong(name: string): PropertyValue | undefined {
    const { route, service } = this.facts;
    switch (name) {
      case "route_id":
        return str(route.id);
      case "route_name":
        return str(route.name);
      case "service_id":
        return str(service?.id);
      case "service_name":
        return str(service?.name);
      case "version":
        return str(VERSION);
      case "client.protocol":
        return str(this.exchange.requestHeaders.get(":scheme"));
      default:
        return undefined;
    }
  }
}
