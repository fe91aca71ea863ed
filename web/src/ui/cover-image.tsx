import { useEffect, useState } from 'react';
import type { CoverSize } from '../../../src/domain/anime.ts';
import { useApi } from '../api/api-context.tsx';
import { shortTitle } from '../graph/short-title.ts';
import { initials, placeholderColor, textColorOn } from './cover-colors.ts';

type DisplaySize = 'small' | 'medium' | 'large';

/** The AniList size each display size loads: at least its width at twice the pixel density. */
const SOURCE_SIZE: Record<DisplaySize, CoverSize> = { small: 'medium', medium: 'large', large: 'large' };

interface CoverImageProps {
  id: number;
  title: string;
  /** The upstream cover URL, only as a sign there is one: the image itself comes from this server's cover proxy. */
  src: string | null;
  color: string | null;
  size: DisplaySize;
  /** The franchise's name: left out of the initials, so a franchise's covers do not all read the same. */
  franchiseTitle?: string;
}

/**
 * A cover that is a designed placeholder first (AniList's colour and the title's initials)
 * and the image once it has loaded, from the page's own origin (GET /api/anime/{id}/cover,
 * so the CSP's img-src 'self' holds). When the proxy cannot have it, the placeholder stays.
 */
export function CoverImage({ id, title, src, color, size, franchiseTitle }: CoverImageProps) {
  const api = useApi();
  const [state, setState] = useState<'loading' | 'loaded' | 'failed'>('loading');
  useEffect(() => setState('loading'), [id, src]);
  const background = placeholderColor(id, color);
  const shown = src !== null && state !== 'failed';
  return (
    <div
      className={`cover cover-${size}`}
      style={{ backgroundColor: background, color: textColorOn(background) }}
      data-cover-state={src === null ? 'none' : state === 'loaded' ? 'loaded' : state === 'failed' ? 'placeholder' : 'loading'}
    >
      <span className="cover-initials" aria-hidden="true">
        {initials(shortTitle(title, franchiseTitle))}
      </span>
      {shown && (
        <img
          key={`${id}:${size}`}
          src={api.coverUrl(id, SOURCE_SIZE[size])}
          alt=""
          loading="lazy"
          decoding="async"
          className={state === 'loaded' ? 'cover-img loaded' : 'cover-img'}
          onLoad={() => setState('loaded')}
          onError={() => setState('failed')}
        />
      )}
    </div>
  );
}
