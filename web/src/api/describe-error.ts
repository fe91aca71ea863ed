import { ApiError } from './api-client.ts';

/** One line a person can act on, for anything a call to the API threw. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'The server cannot be reached. Is `tsunagu serve` running?';
  return error instanceof Error ? error.message : String(error);
}
