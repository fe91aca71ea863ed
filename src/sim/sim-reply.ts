/** What an upstream endpoint answers; the server adds latency and writes it. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  /** Text for the APIs, bytes for images. */
  body: string | Buffer;
}

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

export function htmlReply(status: number, html: string, headers: Record<string, string> = {}): Reply {
  return { status, headers: { 'Content-Type': 'text/html; charset=UTF-8', ...headers }, body: html };
}

/** The same reply with its body cut in half: a response that ends early but still parses as HTTP. */
export function truncated(reply: Reply): Reply {
  if (typeof reply.body !== 'string') return { ...reply, body: reply.body.subarray(0, Math.floor(reply.body.length / 2)) };
  const chars = [...reply.body];
  return { ...reply, body: chars.slice(0, Math.floor(chars.length / 2)).join('') };
}
