import type { Relation, RelationSource } from '../../domain/relation-type.ts';
import type { RelationTable } from '../schema.ts';

export function toRelation(row: RelationTable): Relation {
  return { from: row.from_id, to: row.to_id, type: row.type, source: row.source as RelationSource };
}

export function toRow(edge: Relation): RelationTable {
  return { from_id: edge.from, to_id: edge.to, type: edge.type, source: edge.source };
}
