import { Kind, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';

/** AniList refuses queries above this many points (HTTP 400, no partial data). */
export const MAX_COMPLEXITY = 500;

/**
 * AniList's observed cost rule (graphql-php's default): one point per selected field, fragments counted
 * where they are spread, aliases counted separately, lists NOT multiplied by their size. So a Page of 50
 * costs the same as a Page of 1, and nesting relations costs only the fields it adds.
 */
export function queryComplexity(operation: OperationDefinitionNode, fragments: ReadonlyMap<string, FragmentDefinitionNode>): number {
  const count = (set: SelectionSetNode | undefined, spreading: ReadonlySet<string>): number => {
    if (!set) return 0;
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += 1 + count(selection.selectionSet, spreading);
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet, spreading);
      else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // Validation rejects fragment cycles before this runs; the guard only keeps this function total.
        if (fragment && !spreading.has(name)) total += count(fragment.selectionSet, new Set([...spreading, name]));
      }
    }
    return total;
  };
  return count(operation.selectionSet, new Set());
}
