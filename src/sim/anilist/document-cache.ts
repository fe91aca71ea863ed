import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';

/** A query parsed and validated against the schema: the document, or the errors AniList would answer with. */
export type CheckedDocument = { document: DocumentNode } | { errors: readonly GraphQLError[] };

/**
 * Parsed and validated documents by query text, least recently used dropped first. Clients
 * send the same few query texts with different variables, and parsing plus validating one
 * took 16-20 ms under load: more than the simulator's own work per request. The schema
 * never changes, so a text always checks the same way.
 */
export class DocumentCache {
  /** Insertion order is recency order: a hit is deleted and set again. */
  private readonly entries = new Map<string, CheckedDocument>();

  constructor(
    private readonly schema: GraphQLSchema,
    /** Query texts kept, 1 or more; a client sends a handful, so 100 leaves room for tests and odd clients. */
    private readonly capacity = 100,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new TypeError(`Expected \`capacity\` to be an integer >= 1, got \`${capacity}\` (${typeof capacity})`);
    }
  }

  /** Throws what `parse` throws other than a GraphQLError (a bug, not a bad query), uncached. */
  check(query: string): CheckedDocument {
    const cached = this.entries.get(query);
    if (cached) {
      this.entries.delete(query);
      this.entries.set(query, cached);
      return cached;
    }
    const checked = this.checkUncached(query);
    this.entries.set(query, checked);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return checked;
  }

  get size(): number {
    return this.entries.size;
  }

  private checkUncached(query: string): CheckedDocument {
    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      if (error instanceof GraphQLError) return { errors: [error] };
      throw error;
    }
    const invalid = validate(this.schema, document);
    return invalid.length > 0 ? { errors: invalid } : { document };
  }
}
