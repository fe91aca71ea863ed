import type { Placement } from './graph-layout.ts';

export type Direction = 'left' | 'right' | 'up' | 'down';

const ARROWS: Record<string, Direction> = { ArrowLeft: 'left', ArrowRight: 'right', ArrowUp: 'up', ArrowDown: 'down' };

export function arrowDirection(key: string): Direction | null {
  return ARROWS[key] ?? null;
}

/**
 * The box an arrow key moves to: the nearest in that direction, weighing distance across
 * the direction double, so Right follows a row and Down walks a stack or the next row.
 * Null when nothing lies that way.
 */
export function nextItem(items: readonly Placement[], from: Placement, direction: Direction): Placement | null {
  const [ax, ay] = { left: [-1, 0], right: [1, 0], up: [0, -1], down: [0, 1] }[direction];
  let best: Placement | null = null;
  let bestScore = Infinity;
  for (const item of items) {
    if (item.key === from.key) continue;
    const dx = item.x - from.x;
    const dy = item.y - from.y;
    const along = dx * ax + dy * ay;
    // Half a box's size in the direction: a neighbour in the same row or stack is not "up".
    const min = ax !== 0 ? Math.min(from.width, item.width) / 2 : Math.min(from.height, item.height) / 2;
    if (along < min) continue;
    const across = Math.abs(dx * ay) + Math.abs(dy * ax);
    const score = along + 2 * across;
    if (score < bestScore) {
      bestScore = score;
      best = item;
    }
  }
  return best;
}

/** Boxes in reading order: rows top to bottom, left to right within one (Home and End). */
export function readingOrder(items: readonly Placement[]): Placement[] {
  return [...items].sort((a, b) => a.y - a.height / 2 - (b.y - b.height / 2) || a.x - b.x);
}
