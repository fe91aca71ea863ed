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
