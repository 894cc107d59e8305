// The plugin (root context): reads and keeps the greeting.
import { Context, RootContext } from "@gcoredev/proxy-wasm-sdk-as/assembly";
import { DEFAULT_GREETING, parseGreetingConfig } from "./greeting-config";
import { GreetingStream } from "./greeting-stream";
import { logInfo, logWarn } from "./logger";

export class GreetingRoot extends RootContext {
  greeting: string = DEFAULT_GREETING;

  createContext(context_id: u32): Context {
    return new GreetingStream(context_id, this, this.greeting);
  }

  onConfigure(configuration_size: u32): bool {
    // The SDK skips reading when the size is 0 and would then keep the
    // previous configuration; an empty one must reset to the default.
    let text = "";
    if (configuration_size > 0) {
      super.onConfigure(configuration_size);
      text = this.getConfiguration();
    }

    const config = parseGreetingConfig(text);
    if (!config.ok) {
      logWarn("greeting: rejecting plugin configuration: " + config.error);
      return false;
    }
    for (let i = 0; i < config.warnings.length; i++) {
      logWarn("greeting: " + config.warnings[i]);
    }
    this.greeting = config.greeting;
    logInfo("greeting: responses get X-Greeting: " + this.greeting);
    return true;
  }
}
