/**
 * Checks a numeric option against its documented range and returns it; a value out of
 * range (or not finite, or fractional where an integer is wanted) is a caller's mistake,
 * named in p-queue's template so the message says which option and what it got.
 */
export function checkRange(name: string, value: number, min: number, max: number, integer = false): number {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new TypeError(`Expected \`${name}\` to be a finite ${integer ? 'integer' : 'number'} in ${min}-${max}, got \`${value}\` (${typeof value})`);
  }
  return value;
}
