/**
 * A problem the local API reports in one line and stops on: a missing assembly, a stack it cannot serve, a taken
 * port. Anything else escaping to the top is a bug.
 */
export class LocalApiError extends Error {
  override readonly name = 'LocalApiError';
}
