import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpProblem } from './problem.ts';

export interface WriteAccess {
  /** True when `Authorization` carries the configured token, or when none is configured. */
  allowed(authorization: string | undefined): boolean;
  /** Throws a 401 problem unless allowed. */
  check(authorization: string | undefined): void;
}

/**
 * Checks `Authorization: Bearer <token>` when a token is configured. With no token set,
 * writes are open to anyone who can reach the port, which by default is only this machine.
 */
export function writeAccess(token: string | undefined): WriteAccess {
  // Hashing first gives equal-length buffers, so the comparison time says nothing about the token.
  const expected = token ? digest(token) : null;
  const bearer = (authorization: string | undefined) => /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')?.[1];
  const allowed = (authorization: string | undefined) => {
    if (!expected) return true;
    const given = bearer(authorization);
    return given !== undefined && timingSafeEqual(digest(given), expected);
  };
  return {
    allowed,
    check(authorization) {
      if (allowed(authorization)) return;
      throw new HttpProblem(
        401,
        'unauthorized',
        'Unauthorized',
        bearer(authorization) !== undefined ? 'the bearer token is not the configured one' : 'this request needs `Authorization: Bearer <token>` (TSUNAGU_API_TOKEN)',
        { headers: { 'www-authenticate': 'Bearer realm="tsunagu"' } },
      );
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
