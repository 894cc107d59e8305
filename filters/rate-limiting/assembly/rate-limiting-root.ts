// The plugin (root context): reads the limits.
import { Context, LogLevelValues, RootContext, log } from "@gcoredev/proxy-wasm-sdk-as/assembly";
import { LimitConfig, parseLimitConfig } from "./limit-config";
import { RateLimitingStream } from "./rate-limiting-stream";

export class RateLimitingRoot extends RootContext {
  config: LimitConfig = new LimitConfig();

  createContext(context_id: u32): Context {
    return new RateLimitingStream(context_id, this, this.config);
  }

  onConfigure(configuration_size: u32): bool {
    let text = "";
    if (configuration_size > 0) {
      super.onConfigure(configuration_size);
      text = this.getConfiguration();
    }
    const config = parseLimitConfig(text);
    if (config.minute < 0) {
      log(LogLevelValues.warn, "rate-limiting: the configuration needs \"minute\": a number of requests");
      return false;
    }
    this.config = config;
    return true;
  }
}
