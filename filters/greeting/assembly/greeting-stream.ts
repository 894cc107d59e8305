// One request through the plugin: adds the greeting to the response.
import {
  Context,
  FilterHeadersStatusValues,
  RootContext,
  stream_context,
} from "@gcoredev/proxy-wasm-sdk-as/assembly";

export const GREETING_HEADER = "X-Greeting";

export class GreetingStream extends Context {
  // Taken when the request starts, so a reconfiguration mid-request does not
  // change what this response gets.
  greeting: string;

  constructor(context_id: u32, root_context: RootContext, greeting: string) {
    super(context_id, root_context);
    this.greeting = greeting;
  }

  onResponseHeaders(_headers: u32, _end_of_stream: bool): FilterHeadersStatusValues {
    stream_context.headers.response.add(GREETING_HEADER, this.greeting);
    return FilterHeadersStatusValues.Continue;
  }
}
