import { jsonReply, type Reply } from '../sim-reply.ts';

const RATE_LIMIT_DOCS = 'https://docs.api.jikan.moe/#section/Information/Rate-Limiting';

// Jikan's own limiter: note `status` is the STRING "429" here, unlike every other Jikan error.
export const jikanRateLimited = (): Reply =>
  jsonReply(429, {
    status: '429',
    type: 'RateLimitException',
    message: `You are being rate-limited. Please follow Rate Limiting guidelines: ${RATE_LIMIT_DOCS}`,
    error: null,
  });

/** MyAnimeList limiting Jikan (what a storm looks like from outside): numeric status this time. */
export const jikanLimitedByMal = (): Reply =>
  jsonReply(429, {
    status: 429,
    type: 'RateLimitException',
    message: 'Jikan is being rate limited by MyAnimeList.',
    error: '429 on https://myanimelist.net/',
  });

/** `kind` is MAL's path segment: anime, manga, character, ... */
export const jikanNotFound = (kind: string, id: number | string): Reply =>
  jsonReply(404, { status: 404, type: 'BadResponseException', message: 'Resource does not exist', error: `404 on https://myanimelist.net/${kind}/${id}/` });

export const jikanRouteNotFound = (): Reply => jsonReply(404, { status: 404, type: 'HttpException', message: 'Not Found', error: null });

export const jikanMethodNotAllowed = (): Reply =>
  jsonReply(405, { status: 405, type: 'HttpException', message: 'Method Not Allowed', error: null });

export const jikanValidation = (messages: Record<string, string[]>): Reply =>
  jsonReply(400, {
    status: 400,
    type: 'ValidationException',
    messages,
    error: 'Invalid or incomplete request. Make sure your request is correct. https://docs.api.jikan.moe/',
  });

export const jikanUpstreamDown = (): Reply =>
  jsonReply(504, {
    status: 504,
    type: 'BadResponseException',
    message: 'Jikan failed to connect to MyAnimeList. MyAnimeList may be down/unavailable or refuses to connect',
    error: null,
  });

export const jikanException = (): Reply =>
  jsonReply(500, {
    status: 500,
    type: 'Exception',
    message: 'Unhandled Exception. Please report this issue at https://github.com/jikan-me/jikan-rest/issues',
    error: null,
    report_url: 'https://github.com/jikan-me/jikan-rest/issues/new',
  });
