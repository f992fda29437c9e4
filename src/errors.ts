/**
 * An error in what a user gave us: a flag, a file, a setting. The CLI prints its message on one
 * line without a stack and exits non-zero. The message names the input and says what to do.
 */
export class UserError extends Error {
  override name = 'UserError';
}

/** Internal invariant: a failure here is a bug in dag-gan, not in the user's input. */
export function assert(condition: unknown, message: () => string): asserts condition {
  if (!condition) throw new Error(message());
}
