/**
 * A release command refused its input: a bad value, an unknown stage or function, a config `parseConfig` refuses,
 * a version AWS does not have. The CLI prints the message as one line and exits 1; the config is left untouched.
 */
export class ReleaseError extends Error {
  override readonly name = 'ReleaseError';
}

/** The command line itself is wrong: an unknown command or option, a missing argument. The CLI exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
