/**
 * Everything generated from seeds stays byte-identical: the demo catalog, its synthesized audio,
 * the generated model weights, the evaluation queries and benchmark data. Indexes already built (the default index records the models'
 * fingerprints; its audio embeddings come from the demo clips) stay valid only while these do.
 * The hashes were taken from the code before the seeded-random helpers were merged into one
 * module; a change here means every existing set-up rebuilds (bump GENERATOR_VERSION for models).
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { synthesizeTrack } from '../../src/audio/synth.ts';
import { syntheticTracks } from '../../src/bench/lexical-scaling.ts';
import { serializeCatalog } from '../../src/catalog/catalog-file.ts';
import { generateDemoCatalog } from '../../src/catalog/demo-catalog.ts';
import { JAMENDO_PARAPHRASES } from '../../src/eval/paraphrases.ts';
import { buildQuerySet } from '../../src/eval/query-set.ts';
import { generateModels } from '../../src/models/generate/index.ts';
import { tempDir } from '../helpers/temp-dir.ts';

const sha256 = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');
const pcmBytes = (pcm: Float32Array) => new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);

describe('seeded outputs are unchanged', () => {
  const tracks = generateDemoCatalog();

  it('the demo catalog (demo/catalog.csv) and a catalog of another seed and size', () => {
    expect(sha256(serializeCatalog(tracks))).toBe('68941aac7c05b27d656af45e9a22c7f4d332f92c8a10caebc6eb59ab399d53b8');
    expect(sha256(JSON.stringify(generateDemoCatalog({ seed: 7, tracks: 50 })))).toBe('32d19c3ee4d356b556bc25d7e628d500404b54ddf12c8a96751b727eae331d5a');
  });

  it('the synthesized demo clips, sample for sample', () => {
    const clips = tracks.slice(0, 3).map((t) => [t.path, sha256(pcmBytes(synthesizeTrack(t)))]);
    expect(clips).toEqual([
      ['19/demo_9000001.ogg', '864365a669b149f22cdaa652af8fd1aa48a2957304c91e71892fd05e0e80a56f'],
      ['60/demo_9000002.ogg', '68e50f1c0264619976c3ff75e071821a62a6b46fa17d900a1a3dbfa9a82b1f03'],
      ['f3/demo_9000003.mp3', 'd9f600d0fd7c65503839a7ac013a1d24d48a8576ede0e0a2732a451e0b573ca2'],
    ]);
  });

  it('the evaluation queries and the lexical benchmark\'s synthetic tracks drawn from the demo catalog', () => {
    const queries = buildQuerySet(tracks, { paraphrases: JAMENDO_PARAPHRASES, minRelevant: 5 });
    expect(queries).toHaveLength(293);
    expect(sha256(JSON.stringify(queries, (_key, v: unknown) => (v instanceof Set ? [...v] : v)))).toBe('0e6f004755a257bdbf695ec72caaabb28a452d2aee1329f9391b50f42b34065d');
    expect(sha256(JSON.stringify(syntheticTracks(tracks.slice(0, 50), 300)))).toBe('a8c29f3ebce83a9192c6cb661b78fdc6fcdbb33aa339e14c5a52e2d7384bacbe');
  });

  describe('the generated models (tiny set, default seed)', () => {
    let cleanup = async () => {};
    afterAll(() => cleanup());

    it('every file of both folders', async () => {
      const made = await tempDir('seeded-models');
      cleanup = made.cleanup;
      await generateModels({ outDir: made.dir });
      const files = (await readdir(made.dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
      const hashes: Record<string, string> = {};
      for (const f of files) {
        const file = path.join(f.parentPath, f.name);
        hashes[path.relative(made.dir, file)] = sha256(await readFile(file));
      }
      expect(hashes).toEqual(TINY_MODEL_FILES);
    });
  });
});

const TINY_MODEL_FILES: Record<string, string> = {
  'cratedigger/tiny-clap/README.md': 'd0e949d7ec7f82e683856ea1a34dfb939ccc1dfc33676bb44d547cfa452248e1',
  'cratedigger/tiny-clap/config.json': '5d870f414238c370d98d4e33627b85dd1d3345b5b83bd39aebc8b6f53a428f27',
  'cratedigger/tiny-clap/merges.txt': '9f9b24c887a7926927513b2369da41ab0cc0c054f9c3b42eea646d2b057d1d73',
  'cratedigger/tiny-clap/onnx/audio_model.onnx': '9d2e479ef403b558f9d37728273a97e7285f73a22567c5dd249a98c6c688ba94',
  'cratedigger/tiny-clap/onnx/audio_model_quantized.onnx': 'e424f3b9ebc78ffa61c97be5153eac27ef5c1be3fae168234ac7786b9b2454e7',
  'cratedigger/tiny-clap/onnx/text_model.onnx': '7a4e83fce34cdb780cdd8a82056d231b814620bd8f03857bd3860a3911894f1c',
  'cratedigger/tiny-clap/onnx/text_model_quantized.onnx': '8f2e9468967fce530dbd3a94cc8db3c75bb03c27e368b90e13730694cbad6682',
  'cratedigger/tiny-clap/preprocessor_config.json': 'fec8174658d30bbf4bf64e2e73da32bd3c83acbfa81feff9081e1bd2ccc938c8',
  'cratedigger/tiny-clap/special_tokens_map.json': '06e405a36dfe4b9604f484f6a1e619af1a7f7d09e34a8555eb0b77b66318067f',
  'cratedigger/tiny-clap/tokenizer.json': 'a9d48b44b87edc0071675511b736f14f8d6025b7b479e511375499a7865d04ae',
  'cratedigger/tiny-clap/tokenizer_config.json': '8eac18461a688e00139018ed2d033b9b50d3f4373cb6e04efc4689df164c8b21',
  'cratedigger/tiny-clap/vocab.json': '5b958c4fcd41ff187b970a6cff9df0d7a1b8e1e892e5e8c8cc5a4b2502aa6e95',
  'cratedigger/tiny-sbert/README.md': '8964a990d03a5db1396219b30e4202dea2f5565b38973f64b1b206883a478cb6',
  'cratedigger/tiny-sbert/config.json': '960a2bd4188eedafaaf869c71ec63038d565038042af0abc695a70974c136857',
  'cratedigger/tiny-sbert/onnx/model.onnx': '41960f986aee0f623433650b227407cbf3072713339e6f1d09108bfaa1649d31',
  'cratedigger/tiny-sbert/onnx/model_quantized.onnx': '403ff8c9b2960c77868e0234eecfd4f594943a1d96871bf0a12189e69b89c0ee',
  'cratedigger/tiny-sbert/special_tokens_map.json': 'b6d346be366a7d1d48332dbc9fdf3bf8960b5d879522b7799ddba59e76237ee3',
  'cratedigger/tiny-sbert/tokenizer.json': '77336b218cb38c04eee05ceb04a658a7d4f9a4533ccb21c1e7b8954e13f9c63d',
  'cratedigger/tiny-sbert/tokenizer_config.json': '9261e7d79b44c8195c1cada2b453e55b00aeb81e907a6664974b4d7776172ab3',
  'cratedigger/tiny-sbert/vocab.txt': 'a2bcbdb5264c85ff364549cf5124038a825ca60673e5d19c6ccce267eb597160',
};
