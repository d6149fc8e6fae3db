import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureGeneratedModels } from '../helpers/models.ts';
import { HAS_JAMENDO_DATA, JAMENDO_DATA_DIR as DATA, MODELS_DIR, needsJamendoData } from '../helpers/paths.ts';
import { runCli } from '../helpers/run-cli.ts';
import { suiteTempDir } from '../helpers/temp-dir.ts';

const env = { MODELS_DIR, SBERT_MODEL: 'cratedigger/tiny-sbert' };

describe.runIf(HAS_JAMENDO_DATA)(needsJamendoData('MTG-Jamendo end to end: import → index on generated models → recommend'), () => {
  // The real MTG-Jamendo metadata (18,486 tracks) from ../shared, never copied into the repo.
  const root = suiteTempDir('jamendo-index');
  let index = '';
  let importOut = '';
  beforeAll(async () => {
    await ensureGeneratedModels();
    const catalog = path.join(root.path, 'jamendo.csv');
    index = path.join(root.path, 'jamendo');
    const imported = await runCli(
      ['catalog', 'jamendo', '--metadata', `${DATA}/metadata_base.csv`, '--captions', `${DATA}/captions.csv`, '--tag-map', `${DATA}/tag_map.json`, '--out', catalog],
      env,
    );
    expect(imported.code).toBe(0);
    importOut = imported.stdout;
    const built = await runCli(['index', '--catalog', catalog, '--out', index, '--quiet'], env, 600_000);
    expect(built.stderr).toBe('');
    expect(built.stdout).toMatch(/: 18486 tracks, Flat, text-only/);
  }, 600_000);

  it('the import reports the dataset as its README describes it', () => {
    expect(importOut).toContain('tracks: 18486');
    expect(importOut).toContain('mood/theme: 59 tags, 18486 tracks with one');
    expect(importOut).toContain('genre: 95 tags, 18255 tracks with one');
    expect(importOut).toContain('instrument: 41 tags, 10594 tracks with one');
    expect(importOut).toMatch(/captions: 18486 \(18486 joined, 0 written from tags\)/);
  });

  it('answers recommend with links, tags and captions, under mood/genre/instrument/duration filters', async () => {
    const r = await runCli(
      ['recommend', 'morning yoga, ocean waves', '--index', index, '--json', '--k', '10', '--mood', 'relaxing', '--instrument', 'piano', '--max-duration', '5:00'],
      env,
    );
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.index).toMatchObject({ tracks: 18486 });
    expect(out.results).toHaveLength(10);
    for (const x of out.results) {
      expect(x.trackId).toMatch(/^track_\d{7}$/);
      expect(x.url).toBe(`https://www.jamendo.com/track/${Number(x.trackId.slice(6))}`);
      expect(x.tags.mood).toContain('relaxing');
      expect(x.tags.instrument).toContain('piano');
      expect(x.durationSec).toBeLessThanOrEqual(300);
      expect(x.caption.length).toBeGreaterThan(10);
      expect(x.path).toMatch(/^\d+\/\d+\.mp3$/);
    }
    const genre = await runCli(['recommend', 'smooth saxophone at night', '--index', index, '--json', '--genre', 'jazz'], env);
    expect(JSON.parse(genre.stdout).results.every((x: { tags: { genre: string[] } }) => x.tags.genre.includes('jazz'))).toBe(true);
  });
});
