import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpProblem } from './problem.ts';

/**
 * Checks `Authorization: Bearer <token>` when a token is configured; throws a 401 problem
 * otherwise. Returns a no-op check when no token is set (writes open to anyone who can
 * reach the port, which by default is only this machine).
 */
export function writeAccessCheck(token: string | undefined): (authorization: string | undefined) => void {
  if (!token) return () => {};
  // Hashing first gives equal-length buffers, so the comparison time says nothing about the token.
  const expected = digest(token);
  return (authorization) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (match && timingSafeEqual(digest(match[1]), expected)) return;
    throw new HttpProblem(
      401,
      'unauthorized',
      'Unauthorized',
      match ? 'the bearer token is not the configured one' : 'this request needs `Authorization: Bearer <token>` (TSUNAGU_API_TOKEN)',
      { headers: { 'www-authenticate': 'Bearer realm="tsunagu"' } },
    );
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
