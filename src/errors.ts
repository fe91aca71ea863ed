/** Bad input from a user: a query, a flag, a request field. `field` names what was wrong. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** The thing asked for does not exist (in the store or upstream). */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}
