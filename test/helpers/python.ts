import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Debian's Python with its faiss and numpy (installed by set-up): the prototype's own tools,
 * so interoperability is checked against the real thing, not our reading of the formats.
 */
export const PYTHON = '/usr/bin/python3';

export async function python(script: string, args: string[] = []): Promise<string> {
  const { stdout } = await run(PYTHON, ['-c', script, ...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/**
 * Writes the Python prototype's artifacts exactly as its scripts do (np.save, faiss.write_index,
 * a raw np.memmap for CLAP audio, a bool mask), from a seed. Rows listed in `unprocessed` are
 * never embedded (mask false, zeros in the memmap).
 */
export async function writePrototypeArtifacts(
  dir: string,
  o: { rows: number; textDim?: number; audioDim?: number; seed?: number; unprocessed?: number[]; trackIds?: string[] },
): Promise<void> {
  const script = `
import csv, json, sys, numpy as np, faiss
d = sys.argv[1]; o = json.loads(sys.argv[2])
n, td, ad = o['rows'], o.get('textDim', 384), o.get('audioDim', 512)
rng = np.random.default_rng(o.get('seed', 0))
ids = o.get('trackIds') or ['track_%07d' % (1000 + i) for i in range(n)]
moods, genres, insts = ['calm', 'happy', 'dark'], ['ambient', 'rock', 'jazz'], ['piano', 'guitar', 'drums']
with open(d + '/meta_index.csv', 'w', newline='') as f:
    w = csv.writer(f)
    w.writerow(['index', 'TRACK_ID', 'caption', 'combined_text', 'Mood/Theme_TAG', 'Genre_TAG', 'Instrument_TAG'])
    for i in range(n):
        mood, genre, inst = [moods[i % 3]], [genres[(i // 3) % 3]], ([insts[i % 3]] if i % 4 else [])
        cap = 'A %s %s piece with %s. Keywords: %s, %s' % (mood[0], genre[0], inst[0] if inst else 'synths', mood[0], genre[0])
        combined = cap + ' | tags: ' + ' '.join(mood + genre + inst)
        w.writerow([i, ids[i], cap, combined, str(mood), str(genre), str(inst) if inst else ''])
x = rng.standard_normal((n, td)).astype('float32')
x /= np.linalg.norm(x, axis=1, keepdims=True)
np.save(d + '/sbert_embs.npy', x)
index = faiss.IndexFlatIP(td); index.add(x); faiss.write_index(index, d + '/sbert_text_index.faiss')
mm = np.memmap(d + '/clap_audio_embs.npy', dtype='float32', mode='w+', shape=(n, ad))
processed = np.ones(n, dtype=bool); processed[o.get('unprocessed', [])] = False
a = (rng.standard_normal((n, ad)) * 3).astype('float32')  # not normalized, as CLAP outputs
mm[processed] = a[processed]; mm.flush(); del mm
np.save(d + '/clap_audio_processed.npy', processed)
`;
  await python(script, [dir, JSON.stringify(o)]);
}
