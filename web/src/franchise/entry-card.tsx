import type { FranchiseMember } from '../api/api-types.ts';
import { anilistScoreLabel, entrySummary, malScoreLabel, statusLabel } from '../format/entry-format.ts';
import { CoverImage } from '../ui/cover-image.tsx';

/** One entry at a glance: cover, title, format, season and year, episodes, status and both scores. */
export function EntryCard({ member, position, franchiseTitle }: { member: FranchiseMember; position?: number; franchiseTitle?: string }) {
  return (
    <div className="entry-card">
      {position !== undefined && <span className="entry-position">{position}</span>}
      <CoverImage
        id={member.id}
        title={member.title}
        franchiseTitle={franchiseTitle}
        src={member.coverImage}
        color={member.coverColor}
        size="small"
      />
      <div className="entry-text">
        <span className="entry-title">{member.title}</span>
        <span className="entry-summary">{entrySummary(member)}</span>
        <span className="entry-meta">
          <span className={`status status-${(member.status ?? 'unknown').toLowerCase()}`}>{statusLabel(member.status)}</span>
          <Scores member={member} />
        </span>
      </div>
    </div>
  );
}

export function Scores({ member }: { member: FranchiseMember }) {
  return (
    <span className="scores">
      <span className="score" title="AniList average score">
        <abbr title="AniList">AL</abbr> {anilistScoreLabel(member.averageScore)}
      </span>
      <span className="score" title="MyAnimeList score">
        <abbr title="MyAnimeList">MAL</abbr> {malScoreLabel(member)}
      </span>
    </span>
  );
}
