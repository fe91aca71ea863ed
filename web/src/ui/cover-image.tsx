import { createContext, useContext, useState, useSyncExternalStore } from 'react';
import { createImageAvailability, type ImageAvailability } from './image-availability.ts';
import { initials, placeholderColor, textColorOn } from './cover-colors.ts';
import { shortTitle } from '../graph/short-title.ts';

interface CoverImageProps {
  id: number;
  title: string;
  src: string | null;
  color: string | null;
  size: 'small' | 'medium' | 'large';
  /** The franchise's name: left out of the initials, so a franchise's covers do not all read the same. */
  franchiseTitle?: string;
}

const ImagesContext = createContext<ImageAvailability>(createImageAvailability());
export const ImagesProvider = ImagesContext.Provider;

/**
 * A cover that is a designed placeholder first (AniList's colour and the title's initials)
 * and the image only once it has actually loaded. Offline, or under the server's CSP, the
 * upstream image URLs fail or hang; either way the page never waits on them.
 */
export function CoverImage({ id, title, src, color, size, franchiseTitle }: CoverImageProps) {
  const [state, setState] = useState<'loading' | 'loaded' | 'failed'>('loading');
  const images = useContext(ImagesContext);
  const allowed = useSyncExternalStore(images.subscribe, images.available);
  const background = placeholderColor(id, color);
  // Only plain web images; anything else from upstream is ignored rather than handed to the browser.
  const image = allowed && src && /^https?:\/\//i.test(src) ? src : null;
  return (
    <div
      className={`cover cover-${size}`}
      style={{ backgroundColor: background, color: textColorOn(background) }}
      data-cover-state={image ? state : 'none'}
    >
      <span className="cover-initials" aria-hidden="true">
        {initials(shortTitle(title, franchiseTitle))}
      </span>
      {image && state !== 'failed' && (
        <img
          src={image}
          alt=""
          loading="lazy"
          decoding="async"
          referrerPolicy="no-referrer"
          className={state === 'loaded' ? 'cover-img loaded' : 'cover-img'}
          onLoad={() => {
            images.loaded();
            setState('loaded');
          }}
          onError={() => {
            images.failed();
            setState('failed');
          }}
        />
      )}
    </div>
  );
}
