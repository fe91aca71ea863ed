/** The raster formats the cover proxy passes on. SVG never: it is a document that can carry script. */
export const RASTER_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif'] as const;
export type RasterType = (typeof RASTER_TYPES)[number];

/**
 * What the bytes are, from their signature, or null when they are no raster image this
 * proxy serves. The proxy sends this type, not the upstream's header, so a body that
 * claims to be an image but is HTML or SVG is refused rather than relabelled.
 */
export function sniffImageType(bytes: Uint8Array): RasterType | null {
  const starts = (...signature: number[]) => signature.every((b, i) => bytes[i] === b);
  const ascii = (from: number, text: string) => [...text].every((ch, i) => bytes[from + i] === ch.charCodeAt(0));
  if (starts(0xff, 0xd8, 0xff)) return 'image/jpeg';
  if (starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png';
  if (ascii(0, 'GIF87a') || ascii(0, 'GIF89a')) return 'image/gif';
  if (ascii(0, 'RIFF') && ascii(8, 'WEBP')) return 'image/webp';
  if (ascii(4, 'ftyp') && (ascii(8, 'avif') || ascii(8, 'avis'))) return 'image/avif';
  return null;
}

/** A declared Content-Type the proxy will read a body for: an image, and not SVG. */
export function isRasterContentType(header: string | null): boolean {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return type.startsWith('image/') && !type.includes('svg');
}
