import type { Clock } from '../../src/clock.ts';
import { systemClock } from '../../src/clock.ts';

/** A clock the test moves by hand; sleeps still take real time, so latency keeps working. */
export class ManualClock implements Clock {
  constructor(private at = Date.UTC(2026, 6, 1)) {}
  now(): number {
    return this.at;
  }
  advance(ms: number): void {
    this.at += ms;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return systemClock.sleep(ms, signal);
  }
}

export interface GraphqlResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: any;
}

/** POSTs a GraphQL query as AniList clients do and returns everything a test may look at. */
export async function postGraphql(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphqlResponse> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Referer: 'https://tsunagu.test/', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  return read(res);
}

export async function getJson(url: string, init?: RequestInit): Promise<GraphqlResponse> {
  return read(await fetch(url, init));
}

async function read(res: Response): Promise<GraphqlResponse> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
