import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combinedText } from '../../src/catalog/track.ts';
import { embedCatalogTexts } from '../../src/indexing/build-index.ts';
import { createSbertEncoder } from '../../src/retrieval/encoders/sbert-encoder.ts';
import type { TextEncoder } from '../../src/retrieval/encoders/types.ts';
import { dot, row } from '../../src/retrieval/matrix.ts';
import { fixtureTracks } from '../helpers/index-fixture.ts';
import { ensureGeneratedModels, sbertOptions, useModelsIn } from '../helpers/models.ts';

describe('catalog text embedding (sent shortest first)', () => {
  let encoder: TextEncoder;
  beforeAll(async () => {
    await ensureGeneratedModels();
    useModelsIn();
    // fp32: a row does not depend on the batch it was computed in (q8 quantizes per batch).
    encoder = await createSbertEncoder({ ...sbertOptions, dtype: 'fp32', batchSize: 4 });
  });
  afterAll(() => encoder.dispose());

  it('keeps every track on its own row, whatever order the texts were embedded in', async () => {
    const tracks = fixtureTracks(23).map((t, i) => ({ ...t, caption: `${'very '.repeat((i * 7) % 11)}${['calm piano', 'loud rock drums', 'jazzy saxophone night'][i % 3]} ${i}` }));
    const m = await embedCatalogTexts(encoder, tracks, { batchSize: 5, silent: true });
    for (const [i, t] of tracks.entries()) {
      const alone = row(await encoder.embed([combinedText(t)]), 0);
      expect(dot(row(m, i), alone)).toBeGreaterThan(0.9999);
    }
  });
});
