import { useRef, type KeyboardEvent } from 'react';
import type { FranchiseMember, RecommendedEntry } from '../api/api-types.ts';
import { EntryCard } from './entry-card.tsx';

export type WatchOrderKind = 'recommended' | 'release' | 'story';

const KINDS: { kind: WatchOrderKind; label: string; hint: string }[] = [
  { kind: 'recommended', label: 'Recommended', hint: 'The order a watch guide gives: release order, side stories where they aired, recaps optional, extras last.' },
  { kind: 'release', label: 'Release', hint: 'In the order the entries first aired.' },
  { kind: 'story', label: 'Story', hint: 'Chronological: sequels follow their prequels; side stories come right after the entry they belong to.' },
];

interface WatchOrderListProps {
  order: number[];
  /** Each entry's role and why it stands where it does (the recommended order). */
  notes?: ReadonlyMap<number, RecommendedEntry>;
  members: Map<number, FranchiseMember>;
  kind: WatchOrderKind;
  onKindChange: (kind: WatchOrderKind) => void;
  selected: number | null;
  onSelect: (id: number) => void;
  franchiseTitle: string;
}

/**
 * The watch order, and the keyboard's way into the graph: it lists every node, arrow keys
 * move between entries, Enter or Space selects one (the graph and the details follow).
 */
export function WatchOrderList({ order, notes, members, kind, onKindChange, selected, onSelect, franchiseTitle }: WatchOrderListProps) {
  const listRef = useRef<HTMLOListElement>(null);
  const entries = order.filter((id) => members.has(id));
  // Roving tabindex: one option is in the tab order, the selected one or else the first.
  const active = selected !== null && entries.includes(selected) ? selected : entries[0];

  const focusOption = (id: number) => listRef.current?.querySelector<HTMLElement>(`[data-id="${id}"]`)?.focus();

  const onKeyDown = (event: KeyboardEvent<HTMLOListElement>) => {
    const current = Number((event.target as HTMLElement).dataset.id);
    const index = entries.indexOf(current);
    if (index === -1) return;
    const move: Record<string, number> = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: entries.length - 1 };
    if (event.key in move) {
      event.preventDefault();
      const next = entries[Math.max(0, Math.min(entries.length - 1, move[event.key]))];
      focusOption(next);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onSelect(current);
    }
  };

  return (
    <section className="panel watch-order" aria-labelledby="watch-order-title">
      <div className="section-head">
        <h2 id="watch-order-title">Watch order</h2>
        <div className="toggle" role="group" aria-label="Order by">
          {KINDS.map((k) => (
            <button key={k.kind} type="button" aria-pressed={kind === k.kind} onClick={() => onKindChange(k.kind)}>
              {k.label}
            </button>
          ))}
        </div>
      </div>
      <p className="hint">{KINDS.find((k) => k.kind === kind)!.hint}</p>
      <ol
        ref={listRef}
        className="order-list"
        role="listbox"
        aria-label={`${KINDS.find((k) => k.kind === kind)!.label} order`}
        onKeyDown={onKeyDown}
        data-testid="watch-order"
      >
        {entries.map((id, i) => (
          <li
            key={id}
            role="option"
            data-id={id}
            aria-selected={id === selected}
            tabIndex={id === active ? 0 : -1}
            onClick={() => onSelect(id)}
            className={id === selected ? 'order-item selected' : 'order-item'}
          >
            <EntryCard member={members.get(id)!} position={i + 1} franchiseTitle={franchiseTitle} />
            {notes?.has(id) && (
              <p className="order-note">
                <span className={`role role-${notes.get(id)!.role}`}>{notes.get(id)!.role}</span> {notes.get(id)!.reason}
              </p>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
