/**
 * The slice of WHATWG fetch the upstream clients use. Node's global `fetch` satisfies it;
 * keeping it narrow lets tests pass a recording wrapper without patching globals.
 */
export type Fetch = (url: string, init: FetchInit) => Promise<FetchResponse>;

export interface FetchInit {
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
}

export interface FetchResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}
