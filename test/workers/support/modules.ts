/** The filters built by `npm run build:filters`, imported as precompiled modules like the real bundle. */
import greeting from "../../../build/filters/greeting.wasm";
import bodyChunkCount from "../../../build/guests/body-chunk-count.wasm";
import bodyRewrite from "../../../build/guests/body-rewrite.wasm";
import calloutAuth from "../../../build/guests/callout-auth.wasm";
import casCounter from "../../../build/guests/cas-counter.wasm";
import queueWorker from "../../../build/guests/queue-worker.wasm";
import calloutDelay from "../../../build/guests/adversarial-callout-delay.wasm";
import tickResume from "../../../build/guests/tick-resume.wasm";
import vmStartState from "../../../build/guests/vm-start-state.wasm";
import rateLimiting from "../../../build/filters/rate-limiting.wasm";
import cppSdk from "../../../build/guests/cpp-sdk-add-header.wasm";
import goSdk from "../../../build/guests/go-sdk-add-header.wasm";
import endlessInitialize from "../../../build/guests/endless-initialize.wasm";
import endlessLoop from "../../../build/guests/endless-loop.wasm";
import memoryHog from "../../../build/guests/memory-hog.wasm";
import tickCounter from "../../../build/guests/tick-counter.wasm";
import rustSdk from "../../../build/guests/rust-sdk-add-header.wasm";
import tinygoSdk from "../../../build/guests/tinygo-sdk-add-header.wasm";
import trapWhenAsked from "../../../build/guests/trap-when-asked.wasm";
import v010 from "../../../build/guests/v010-add-header.wasm";

export const modules: Record<string, WebAssembly.Module> = {
  greeting,
  "body-chunk-count": bodyChunkCount,
  "body-rewrite": bodyRewrite,
  "callout-auth": calloutAuth,
  "cas-counter": casCounter,
  "queue-worker": queueWorker,
  "adversarial-callout-delay": calloutDelay,
  "tick-resume": tickResume,
  "vm-start-state": vmStartState,
  "rate-limiting": rateLimiting,
  "cpp-sdk-add-header": cppSdk,
  "go-sdk-add-header": goSdk,
  "endless-initialize": endlessInitialize,
  "endless-loop": endlessLoop,
  "memory-hog": memoryHog,
  "rust-sdk-add-header": rustSdk,
  "tick-counter": tickCounter,
  "tinygo-sdk-add-header": tinygoSdk,
  "trap-when-asked": trapWhenAsked,
  "v010-add-header": v010,
};
// Adversarial guests (test/workers/adversarial.test.ts): each misbehaves in one way.
import adversarialPointers from "../../../build/guests/adversarial-pointers.wasm";
modules["adversarial-pointers"] = adversarialPointers;
import adversarialAllocator from "../../../build/guests/adversarial-allocator.wasm";
import adversarialMemoryGrow from "../../../build/guests/adversarial-memory-grow.wasm";
modules["adversarial-allocator"] = adversarialAllocator;
modules["adversarial-memory-grow"] = adversarialMemoryGrow;
import adversarialFail from "../../../build/guests/adversarial-fail.wasm";
import adversarialInitialize from "../../../build/guests/adversarial-initialize.wasm";
modules["adversarial-fail"] = adversarialFail;
modules["adversarial-initialize"] = adversarialInitialize;
import adversarialControl from "../../../build/guests/adversarial-control.wasm";
import adversarialCalloutStorm from "../../../build/guests/adversarial-callout-storm.wasm";
import adversarialHeaders from "../../../build/guests/adversarial-headers.wasm";
modules["adversarial-control"] = adversarialControl;
modules["adversarial-callout-storm"] = adversarialCalloutStorm;
modules["adversarial-headers"] = adversarialHeaders;
// Adds trailers at end of stream (test/workers/trailers.test.ts).
import endOfStreamTrailers from "../../../build/guests/end-of-stream-trailers.wasm";
modules["end-of-stream-trailers"] = endOfStreamTrailers;
// The buffer switch the build bundles beside the filters (abi/buffer-switch-module.ts).
import bufferSwitchModule from "../../../build/runtime/buffer-switch.wasm";
export const bufferSwitch: WebAssembly.Module = bufferSwitchModule;
// Traps when re-entered while its body read is suspended (test/workers/deferred-bodies.test.ts).
import deferredBodyGuard from "../../../build/guests/deferred-body-guard.wasm";
modules["deferred-body-guard"] = deferredBodyGuard;
import oddBufferSignature from "../../../build/guests/odd-buffer-signature.wasm";
modules["odd-buffer-signature"] = oddBufferSignature;
// Logs its streams' callbacks and teardown (test/workers/client-gone.test.ts).
import teardownLog from "../../../build/guests/teardown-log.wasm";
modules["teardown-log"] = teardownLog;
