import { defaultFieldResolver, getNullableType, isListType, isObjectType, type GraphQLFieldResolver, type GraphQLOutputType } from 'graphql';

/** AniList's pageInfo of a connection page: `perPage` defaults to 25 there, and a page of nothing is still page 1 of 1. */
export function connectionPageInfo(total: number, args: { page?: number | null; perPage?: number | null }) {
  const perPage = Math.min(50, Math.max(1, args.perPage ?? 25));
  const currentPage = Math.max(1, args.page ?? 1);
  return { total, perPage, currentPage, lastPage: Math.max(1, Math.ceil(total / perPage)), hasNextPage: currentPage * perPage < total };
}

/**
 * What AniList answers where it has nothing: a list is [] and a connection `{edges: [], nodes: [],
 * pageInfo}`, never null (clients call `.forEach` on them). Other types stay null.
 */
export function emptyValue(type: GraphQLOutputType, args: Record<string, unknown>): unknown {
  const inner = getNullableType(type);
  if (isListType(inner)) return [];
  if (isObjectType(inner) && inner.name.endsWith('Connection')) return { edges: [], nodes: [], pageInfo: connectionPageInfo(0, args) };
  return null;
}

/**
 * graphql-js's default resolver, except that a list or connection the views do not answer (the
 * catalog has no characters, staff, reviews, streaming episodes, ...) is empty instead of null. So
 * every list field of the schema, at any depth, keeps AniList's shape without a getter per field.
 */
export const emptyWhereUnknown: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
  const value: unknown = defaultFieldResolver(source, args, context, info);
  return value ?? emptyValue(info.returnType, args);
};
