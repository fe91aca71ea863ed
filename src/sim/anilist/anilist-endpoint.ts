import {
  execute,
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { gatewayPage, cloudflareChallenge } from '../gateway-pages.ts';
import { SlidingLog } from '../sliding-window.ts';
import type { FailureFault, RequestHead, SimContext, SimRequest, UpstreamEndpoint } from '../sim-context.ts';
import { jsonReply, type Reply } from '../sim-reply.ts';
import { AnilistError } from './anilist-error.ts';
import { DocumentCache } from './document-cache.ts';
import { anilistRoot, type ResolverContext } from './anilist-resolvers.ts';
import { checkFieldRules } from './anilist-roots.ts';
import { emptyWhereUnknown } from './empty-values.ts';
import { tagId } from './media-fields.ts';
import { MediaFinder } from './media-query.ts';
import { MAX_COMPLEXITY, queryComplexity } from './query-complexity.ts';
import { studioDirectory, type StudioDirectory } from './studio-directory.ts';

const WINDOW_MS = 60_000;

interface ErrorEntry {
  message: string;
  status: number;
  locations?: readonly { line: number; column: number }[];
}

const TOO_MANY = { data: null, errors: [{ message: 'Too Many Requests.', status: 429 }] };
const DISABLED = {
  errors: [
    {
      message: 'The AniList API has been temporarily disabled due to severe stability issues. Please try again later.',
      status: 403,
      locations: [{ line: 1, column: 1 }],
    },
  ],
  data: null,
};

// graphql-php's wording, which AniList answers when there is no query to run.
const NO_QUERY = 'GraphQL Request must include at least one of those two parameters: "query" or "queryId"';

/** AniList at POST /anilist: real GraphQL execution over the catalog, with AniList's limits and error shapes. */
export class AnilistEndpoint implements UpstreamEndpoint {
  readonly name = 'anilist' as const;
  /** Accepted requests; 429s do not count, so a client that waits gets back in when the window frees. */
  private readonly window = new SlidingLog(WINDOW_MS);
  /** ms since epoch until which every request answers 429 (a storm). */
  private stormUntil = 0;

  private readonly documents: DocumentCache;
  private readonly finder: MediaFinder;
  private readonly studios: StudioDirectory;
  private readonly genres: string[];
  private readonly tags: { id: number; name: string }[];

  constructor(
    private readonly ctx: SimContext,
    private readonly schema: GraphQLSchema,
  ) {
    checkFieldRules(schema);
    this.documents = new DocumentCache(schema);
    this.finder = new MediaFinder(schema);
    this.studios = studioDirectory(ctx.catalog);
    const media = [...ctx.catalog.media.values()];
    this.genres = [...new Set(media.flatMap((m) => m.genres))].sort();
    this.tags = [...new Set(media.flatMap((m) => m.tags))].sort().map((name) => ({ id: tagId(name), name }));
  }

  private resolverContext(origin: string): ResolverContext {
    return { ...this.ctx, finder: this.finder, studios: this.studios, genres: this.genres, tags: this.tags, resultCap: this.ctx.knobs.anilistResultCap, origin };
  }

  private get headerLimit(): number {
    return this.ctx.knobs.anilistHeaderLimit ?? this.ctx.knobs.anilistRatePerMinute;
  }

  private rateHeaders(now: number): Record<string, string> {
    const remaining = Math.max(0, this.headerLimit - this.window.count(now, WINDOW_MS));
    return { 'X-RateLimit-Limit': String(this.headerLimit), 'X-RateLimit-Remaining': String(remaining) };
  }

  private limited(now: number, freesAt: number): Reply {
    const retryAfter = this.ctx.knobs.anilistRetryAfterSeconds ?? Math.max(1, Math.ceil((freesAt - now) / 1000));
    return jsonReply(429, TOO_MANY, {
      'Retry-After': String(retryAfter),
      'X-RateLimit-Limit': String(this.headerLimit),
      'X-RateLimit-Remaining': '0',
      'X-RateLimit-Reset': String(Math.ceil(now / 1000) + retryAfter),
    });
  }

  admit(head: RequestHead, now: number): Reply | null {
    if (this.ctx.knobs.requireReferer && !head.headers.referer) return jsonReply(403, DISABLED);
    if (now < this.stormUntil) return this.limited(now, this.stormUntil);
    const limit = this.ctx.knobs.anilistRatePerMinute;
    if (this.window.count(now, WINDOW_MS) >= limit) return this.limited(now, this.window.freesAt(now, WINDOW_MS, limit));
    this.window.add(now);
    return null;
  }

  tooManyRequests(now: number, cause: 'storm' | 'spurious'): Reply {
    // A spurious 429 stands for AniList's unpublished burst limiter: it clears after a second.
    return this.limited(now, cause === 'storm' ? this.stormUntil : now + 1000);
  }

  startStorm(now: number, seconds: number): void {
    this.stormUntil = now + seconds * 1000;
  }

  failure(kind: FailureFault, now: number): Reply {
    switch (kind) {
      case '500':
        return { status: 500, headers: this.rateHeaders(now), body: '' };
      case '502':
      case '504':
        return gatewayPage(Number(kind) as 502 | 504);
      case 'html403':
        return cloudflareChallenge();
    }
  }

  internalError(): Reply {
    return jsonReply(500, { data: null, errors: [{ message: 'Internal Server Error', status: 500 }] });
  }

  reset(): void {
    this.window.clear();
    this.stormUntil = 0;
  }

  async handle(request: SimRequest, now: number): Promise<Reply> {
    const headers = this.rateHeaders(now);
    const fail = (errors: ErrorEntry[], data: unknown = null) => jsonReply(errors[0].status, { errors, data }, headers);

    const params = readParams(request);
    if (params instanceof AnilistError) return fail([{ message: params.message, status: params.status }]);

    const checked = this.documents.check(params.query);
    if ('errors' in checked) return fail(checked.errors.map((e) => toEntry(e, 400)));
    const { document } = checked;

    const operation = pickOperation(document, params.operationName);
    if (operation) {
      const fragments = new Map(
        document.definitions
          .filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION)
          .map((d) => [d.name.value, d]),
      );
      const cost = queryComplexity(operation, fragments);
      if (cost > MAX_COMPLEXITY) return fail([{ message: `Max query complexity should be ${MAX_COMPLEXITY} but got ${cost}.`, status: 400 }]);
    }

    const result = await execute({
      schema: this.schema,
      document,
      rootValue: anilistRoot(this.resolverContext(request.origin)),
      fieldResolver: emptyWhereUnknown,
      variableValues: params.variables,
      operationName: params.operationName,
    });
    if (result.errors?.length) {
      // No data at all means the request itself was bad (operation or variables), which AniList answers with 400.
      const fallback = result.data === undefined ? 400 : 500;
      return fail(result.errors.map((e) => toEntry(e, fallback)), result.data ?? null);
    }
    return jsonReply(200, { data: result.data }, headers);
  }
}

interface Params {
  query: string;
  variables: Record<string, unknown> | undefined;
  operationName: string | undefined;
}

/** The GraphQL parameters from a JSON POST body or a GET query string. */
function readParams(request: SimRequest): Params | AnilistError {
  let raw: Record<string, unknown>;
  if (request.method === 'GET') {
    raw = Object.fromEntries(request.query);
  } else {
    let body: unknown;
    try {
      body = JSON.parse(request.body);
    } catch {
      return new AnilistError('Invalid JSON in request body.', 400);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return new AnilistError(NO_QUERY, 400);
    raw = body as Record<string, unknown>;
  }
  if (typeof raw.query !== 'string' || !raw.query.trim()) return new AnilistError(NO_QUERY, 400);
  let variables = raw.variables;
  // Some clients send variables as a JSON string; AniList accepts both.
  if (typeof variables === 'string') {
    try {
      variables = variables.trim() ? JSON.parse(variables) : undefined;
    } catch {
      return new AnilistError('Variables are invalid JSON.', 400);
    }
  }
  if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return new AnilistError('Variables must be an object.', 400);
  }
  const operationName = typeof raw.operationName === 'string' && raw.operationName ? raw.operationName : undefined;
  return { query: raw.query, variables: (variables ?? undefined) as Record<string, unknown> | undefined, operationName };
}

function pickOperation(document: DocumentNode, name: string | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (name !== undefined) return operations.find((o) => o.name?.value === name);
  return operations.length === 1 ? operations[0] : undefined;
}

function toEntry(error: GraphQLError, fallbackStatus: number): ErrorEntry {
  const original = error.originalError;
  if (original instanceof AnilistError) return { message: original.message, status: original.status, locations: error.locations };
  // A bug in a resolver: say so without leaking its message or stack.
  if (original && !(original instanceof GraphQLError)) return { message: 'Internal Server Error', status: 500, locations: error.locations };
  return { message: error.message, status: fallbackStatus, locations: error.locations };
}
