/** Discord's epoch (2015-01-01T00:00:00Z): snowflakes carry milliseconds since it in their top 42 bits. */
export const DISCORD_EPOCH_MS = 1_420_070_400_000;

/** A snowflake for `timestampMs` and a 12-bit sequence, so discord.js derives a real `createdAt`. */
export function snowflakeAt(timestampMs: number, sequence: number): string {
  const time = BigInt(Math.max(0, timestampMs - DISCORD_EPOCH_MS));
  return ((time << 22n) | BigInt(sequence & 0xfff)).toString();
}

/** The creation time encoded in a snowflake. */
export function snowflakeTime(id: string): number {
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH_MS;
}

/** Monotonic ids: the sequence part keeps ids unique and increasing within one millisecond. */
export class SnowflakeGenerator {
  #sequence = 0;
  next(now: number = Date.now()): string {
    this.#sequence = (this.#sequence + 1) & 0xfff;
    return snowflakeAt(now, this.#sequence);
  }
}
