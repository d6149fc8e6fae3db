import { UserError } from '../errors.ts';

/** A whole-number option (`--k 5`), checked against its range; undefined when not given. */
export function intOption(name: string, value: string | undefined, min: number, max = Number.POSITIVE_INFINITY): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    const range = Number.isFinite(max) ? `from ${min} to ${max}` : `≥ ${min}`;
    throw new UserError(`--${name} must be a whole number ${range} (got "${value}").`);
  }
  return n;
}
