/**
 * Why a module could not be metered.
 * @module
 */

/** The transform refused a module; the message names the reason (and the function when known). */
export class MeteringError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MeteringError";
  }
}
