import type { FranchiseMember, FranchiseView } from '../api/api-types.ts';
import { RELATION_TYPES } from '../../../src/domain/relation-type.ts';
import { anilistScoreLabel, formatLabel, malScoreLabel, statusLabel, whenLabel } from '../format/entry-format.ts';
import { relationStyle } from '../graph/relation-style.ts';
import { shortTitle } from '../graph/short-title.ts';
import { CoverImage } from '../ui/cover-image.tsx';

interface EntryDetailsProps {
  member: FranchiseMember;
  view: FranchiseView;
  members: Map<number, FranchiseMember>;
  onSelect: (id: number) => void;
}

export function EntryDetails({ member, view, members, onSelect }: EntryDetailsProps) {
  const relations = relationsOf(member.id, view, members);
  const otherTitles = [member.titles.romaji, member.titles.native].filter((t): t is string => !!t && t !== member.title);
  return (
    <article className="panel details" aria-labelledby="details-title" data-testid="entry-details" data-id={member.id}>
      <div className="details-head">
        <CoverImage
          id={member.id}
          title={member.title}
          franchiseTitle={view.franchise.title}
          src={member.coverImage}
          color={member.coverColor}
          size="medium"
        />
        <div>
          <h2 id="details-title">{member.title}</h2>
          {otherTitles.map((t) => (
            <p key={t} className="alt-title" lang={t === member.titles.native ? 'ja' : undefined}>
              {t}
            </p>
          ))}
        </div>
      </div>
      <dl className="facts">
        <div>
          <dt>Format</dt>
          <dd>{formatLabel(member.format)}</dd>
        </div>
        <div>
          <dt>Aired</dt>
          <dd>{whenLabel(member)}</dd>
        </div>
        <div>
          <dt>Episodes</dt>
          <dd>{member.episodes ?? '?'}</dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd>{statusLabel(member.status)}</dd>
        </div>
        <div>
          <dt>AniList score</dt>
          <dd>{anilistScoreLabel(member.averageScore)}</dd>
        </div>
        <div>
          <dt>MAL score</dt>
          <dd>{malScoreLabel(member)}</dd>
        </div>
      </dl>
      {relations.length > 0 && (
        <>
          <h3>Related</h3>
          <ul className="relations">
            {relations.map((r) => (
              <li key={`${r.type}:${r.to}`}>
                <span className="swatch" style={{ backgroundColor: relationStyle(r.type).color }} aria-hidden="true" />
                <span className="relation-type">{relationStyle(r.type).label}</span>
                <button type="button" className="link-button" title={members.get(r.to)!.title} onClick={() => onSelect(r.to)}>
                  {shortTitle(members.get(r.to)!.title, view.franchise.title)}
                </button>
                {r.malOnly && <span className="badge" title="Only MyAnimeList lists this relation">MAL only</span>}
              </li>
            ))}
          </ul>
        </>
      )}
      {member.description && (
        <>
          <h3>Synopsis</h3>
          {/* Text only: whatever markup upstream sent is shown as characters, never run. */}
          <p className="description">{member.description}</p>
        </>
      )}
      <p className="external">
        <a href={`https://anilist.co/anime/${member.id}`} target="_blank" rel="noopener noreferrer">
          AniList
        </a>
        {member.idMal !== null && (
          <a href={`https://myanimelist.net/anime/${member.idMal}`} target="_blank" rel="noopener noreferrer">
            MyAnimeList
          </a>
        )}
        <span className="muted">#{member.id}</span>
      </p>
    </article>
  );
}

/** This entry's relations as it lists them, one line per (type, entry); AniList's word wins over MAL's. */
function relationsOf(id: number, view: FranchiseView, members: Map<number, FranchiseMember>) {
  const byKey = new Map<string, { to: number; type: string; malOnly: boolean }>();
  for (const r of view.relations) {
    if (r.from !== id || r.to === id || !members.has(r.to)) continue;
    const key = `${r.type}:${r.to}`;
    const seen = byKey.get(key);
    byKey.set(key, { to: r.to, type: r.type, malOnly: (seen ? seen.malOnly : true) && r.source === 'mal' });
  }
  const rank = (type: string) => {
    const i = (RELATION_TYPES as readonly string[]).indexOf(type);
    return i === -1 ? RELATION_TYPES.length : i;
  };
  return [...byKey.values()].sort((a, b) => rank(a.type) - rank(b.type) || a.to - b.to);
}
