import { createContext, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { initials, placeholderColor, textColorOn } from './cover-colors.ts';
import { createImageAvailability, type ImageAvailability } from './image-availability.ts';
import { shortTitle } from '../graph/short-title.ts';

const ImagesContext = createContext<ImageAvailability>(createImageAvailability());
export const ImagesProvider = ImagesContext.Provider;

/** How long a probing image may take before the next cover gets to try; the image may still arrive. */
const PROBE_TIMEOUT_MS = 6000;

interface CoverImageProps {
  id: number;
  title: string;
  src: string | null;
  color: string | null;
  size: 'small' | 'medium' | 'large';
  /** The franchise's name: left out of the initials, so a franchise's covers do not all read the same. */
  franchiseTitle?: string;
}

/**
 * A cover that is a designed placeholder first (AniList's colour and the title's initials)
 * and the image only once it has actually loaded. Offline, or under the server's CSP, the
 * upstream image URLs fail or hang; either way the page never waits on them.
 */
export function CoverImage({ id, title, src, color, size, franchiseTitle }: CoverImageProps) {
  const images = useContext(ImagesContext);
  useSyncExternalStore(images.subscribe, images.version);
  const [state, setState] = useState<'waiting' | 'probing' | 'loaded' | 'failed'>('waiting');
  const background = placeholderColor(id, color);
  // Only plain web images; anything else from upstream is ignored rather than handed to the browser.
  const image = src && /^https?:\/\//i.test(src) ? src : null;
  const availability = images.state();

  useEffect(() => {
    if (!image || state !== 'waiting' || availability !== 'unknown' || !images.claimProbe()) return;
    setState('probing');
  });
  useEffect(() => {
    if (state !== 'probing') return;
    const timer = setTimeout(() => images.failed(), PROBE_TIMEOUT_MS);
    return () => clearTimeout(timer);
  }, [state, images]);

  const show = image !== null && state !== 'failed' && (availability === 'yes' || state === 'probing');
  return (
    <div
      className={`cover cover-${size}`}
      style={{ backgroundColor: background, color: textColorOn(background) }}
      data-cover-state={image ? (state === 'loaded' ? 'loaded' : 'placeholder') : 'none'}
    >
      <span className="cover-initials" aria-hidden="true">
        {initials(shortTitle(title, franchiseTitle))}
      </span>
      {show && (
        <img
          src={image}
          alt=""
          loading={state === 'probing' ? 'eager' : 'lazy'}
          decoding="async"
          referrerPolicy="no-referrer"
          className={state === 'loaded' ? 'cover-img loaded' : 'cover-img'}
          onLoad={() => {
            images.loaded();
            setState('loaded');
          }}
          onError={() => {
            if (state === 'probing') images.failed();
            setState('failed');
          }}
        />
      )}
    </div>
  );
}
