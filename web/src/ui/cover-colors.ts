const HEX = /^#([0-9a-f]{6})$/i;

/** AniList's cover colour when it is a plain #rrggbb, else a stable muted colour from the id. */
export function placeholderColor(id: number, coverColor: string | null): string {
  if (coverColor && HEX.test(coverColor)) return coverColor.toLowerCase();
  // Golden-angle hue steps keep neighbouring ids apart.
  const hue = Math.round((id * 137.508) % 360);
  return hslToHex(hue, 0.38, 0.46);
}

/** Black or white, whichever reads better on `background` (WCAG relative luminance). */
export function textColorOn(background: string): '#000000' | '#ffffff' {
  const match = HEX.exec(background);
  if (!match) return '#ffffff';
  const value = parseInt(match[1], 16);
  const channel = (shift: number) => {
    const c = ((value >> shift) & 0xff) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
  // Contrast with black (L + 0.05) / 0.05 against white 1.05 / (L + 0.05) crosses at L ≈ 0.179.
  return luminance > 0.179 ? '#000000' : '#ffffff';
}

/** Up to two letters standing for the title on a placeholder cover. */
export function initials(title: string): string {
  const words: string[] = title.match(/[\p{L}\p{N}]+/gu) ?? [];
  if (words.length === 0) return '?';
  const letters = words.length === 1 ? Array.from(words[0]).slice(0, 2) : words.slice(0, 2).map((w) => Array.from(w)[0]);
  return letters.join('').toUpperCase();
}

function hslToHex(h: number, s: number, l: number): string {
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => {
    const k = (n + h / 30) % 12;
    const c = l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1));
    return Math.round(c * 255)
      .toString(16)
      .padStart(2, '0');
  };
  return `#${f(0)}${f(8)}${f(4)}`;
}
