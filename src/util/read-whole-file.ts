import { open } from 'node:fs/promises';

/** 1 GiB: well under the 2 GiB a single read (and fs.readFile) may move. */
const CHUNK_BYTES = 2 ** 30;

/**
 * A file's bytes in one Buffer, also past fs.readFile's 2 GiB limit (an index of ~1.05M tracks
 * has a 2 GiB `audio_embeddings.npy`): read in chunks into a buffer of the file's size, up to
 * Buffer's own limit (4 GiB on 64-bit Node 20; none below memory on Node 22 and 24).
 */
export async function readWholeFile(file: string, chunkBytes = CHUNK_BYTES): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buf = Buffer.allocUnsafe(size);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(buf, at, Math.min(chunkBytes, size - at), at);
      if (bytesRead === 0) throw new Error(`${file} ended after ${at} of ${size} bytes (changed while read?)`);
      at += bytesRead;
    }
    return buf;
  } finally {
    await handle.close();
  }
}
