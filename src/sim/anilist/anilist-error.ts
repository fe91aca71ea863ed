/** A resolver failure carrying AniList's non-standard `status`, which also becomes the HTTP status. */
export class AnilistError extends Error {
  override name = 'AnilistError';
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}
