import type { GraphModel } from './graph-model.ts';
import { relationStyle } from './relation-style.ts';

/** The relation types this graph uses, in words beside their colours. */
export function RelationLegend({ model }: { model: GraphModel }) {
  const types = [...new Set(model.edges.map((e) => e.type))];
  const malOnly = model.edges.some((e) => e.malOnly);
  if (types.length === 0) return null;
  return (
    <ul className="legend" aria-label="Edge colours">
      {types.map((type) => {
        const style = relationStyle(type);
        return (
          <li key={type}>
            <span className="legend-line" style={{ backgroundColor: style.color }} aria-hidden="true" />
            {style.label}
          </li>
        );
      })}
      {malOnly && (
        <li>
          <span className="legend-line dashed" aria-hidden="true" />
          only on MyAnimeList
        </li>
      )}
    </ul>
  );
}
