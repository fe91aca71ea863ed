export type StoreErrorCode = 'bad-url' | 'schema-outdated' | 'unsafe-integer';

/** A storage failure a caller can act on (fix the URL, run `tsunagu migrate`); driver errors pass through as they are. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}
