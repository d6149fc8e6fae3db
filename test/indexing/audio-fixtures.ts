import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodePcmBatch } from '../../src/audio/encode.ts';
import { DEMO_SAMPLE_RATE, synthesizeTrack } from '../../src/audio/synth.ts';
import type { Track } from '../../src/catalog/track.ts';
import { generateDemoCatalog } from '../../src/catalog/demo-catalog.ts';
import { writeSilence, writeTone } from '../helpers/audio-files.ts';

/**
 * A small catalog with real audio: demo tracks synthesized short (most 4 s: one window; every
 * sixth 14 s: two windows) so a build takes seconds, plus tracks whose audio cannot be used.
 */
export interface AudioCatalogFixture {
  tracks: Track[];
  root: string;
  /** Track id → the failure reason the build must report. */
  expectedFailures: Map<string, string>;
}

export async function writeAudioCatalog(base: string, count: number, seed = 5): Promise<AudioCatalogFixture> {
  const root = path.join(base, 'audio');
  await mkdir(root, { recursive: true });
  const tracks = generateDemoCatalog({ tracks: count, seed });
  const outside = await writeTone(path.join(base, 'outside.ogg'), { seconds: 3, freq: 300 });
  await mkdir(path.join(root, 'bad'), { recursive: true });
  await writeFile(path.join(root, 'bad', 'corrupt.mp3'), Buffer.from('ID3 this is not an mp3 frame at all '.repeat(40)));
  await writeFile(path.join(root, 'bad', 'empty.ogg'), '');
  await writeSilence(path.join(root, 'bad', 'silent.wav'), 3);
  await symlink(outside, path.join(root, 'bad', 'link.ogg'));

  const broken: [number, string | undefined, string][] = [
    [3, 'missing/none.ogg', 'missing'],
    [7, 'bad/corrupt.mp3', 'unreadable'],
    [11, 'bad/empty.ogg', 'empty'],
    [15, 'bad/silent.wav', 'silent'],
    [19, '../outside.ogg', 'unsafe-path'],
    [23, outside, 'unsafe-path'],
    [27, 'bad/link.ogg', 'unsafe-path'],
    [31, undefined, 'no-path'],
  ];
  const expectedFailures = new Map<string, string>();
  for (const [i, p, reason] of broken) {
    if (i >= tracks.length) continue;
    const t = tracks[i]!;
    if (p === undefined) delete t.path;
    else t.path = p;
    expectedFailures.set(t.id, reason);
  }
  const good = tracks.filter((t) => !expectedFailures.has(t.id));
  for (let i = 0; i < good.length; i += 16) {
    await encodePcmBatch(
      good.slice(i, i + 16).map((t, j) => ({
        samples: synthesizeTrack(t, { durationSec: (i + j) % 6 === 0 ? 14 : 4 }),
        outFile: path.join(root, t.path!),
      })),
      DEMO_SAMPLE_RATE,
    );
  }
  return { tracks, root, expectedFailures };
}
