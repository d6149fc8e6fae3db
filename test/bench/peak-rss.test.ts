import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { peakRssMb } from '../../src/bench/peak-rss.ts';

const MODULE = new URL('../../src/bench/peak-rss.ts', import.meta.url).href;

describe('peakRssMb', () => {
  it('is at least what this process holds now', () => {
    expect(peakRssMb()).toBeGreaterThanOrEqual(process.memoryUsage.rss() / 2 ** 20 - 1);
  });

  it.runIf(process.platform === 'linux')('in a child process counts the child alone, not the larger parent it was started from', () => {
    const held = Buffer.alloc(400 * 2 ** 20, 1); // resident: every page written
    const parentMb = process.memoryUsage.rss() / 2 ** 20;
    const child = Number(
      execFileSync(process.execPath, ['--import', import.meta.resolve('tsx'), '--input-type=module', '-e', `import { peakRssMb } from '${MODULE}'; console.log(peakRssMb());`]).toString(),
    );
    expect(held.length).toBeGreaterThan(0);
    expect(parentMb).toBeGreaterThan(400);
    expect(child).toBeGreaterThan(0);
    expect(child).toBeLessThan(parentMb - 300);
  });
});
