import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../../errors.ts';
import { writeFileAtomic } from '../../util/atomic-write.ts';

/**
 * Fetches MTG-Jamendo's public metadata files into a cache folder (once; later runs reuse
 * them). On a machine without internet it fails at the first file, within seconds, saying
 * how to do the same import from local copies.
 */

export const JAMENDO_REPOSITORY_URL = 'https://raw.githubusercontent.com/MTG/mtg-jamendo-dataset/master/';

/** Repository paths: the three category subsets, credits, and per-file licences. */
export const JAMENDO_FILES = {
  metadata: ['data/autotagging_moodtheme.tsv', 'data/autotagging_genre.tsv', 'data/autotagging_instrument.tsv'],
  meta: 'data/raw.meta.tsv',
  licenses: 'audio_licenses.txt',
} as const;

/** A download that could not happen: a failure of the environment, not of the user's input. */
export class DownloadError extends UserError {
  override name = 'DownloadError';
  /** Not the person's input: the files could not be fetched (exit 1, like any failure). */
  readonly exitCode = 1;
}

export interface DownloadOptions {
  dir: string;
  /** Base URL the repository paths are resolved against (a mirror, or a test server). */
  baseUrl?: string;
  /** Longest wait for a server's first answer; offline machines fail long before. */
  connectTimeoutMs?: number;
  /** Longest time for one whole file. */
  fileTimeoutMs?: number;
  log?: (line: string) => void;
}

export interface DownloadedFiles {
  metadata: string[];
  meta: string;
  licenses: string;
}

export async function downloadJamendoFiles(options: DownloadOptions): Promise<DownloadedFiles> {
  const base = options.baseUrl ?? JAMENDO_REPOSITORY_URL;
  const log = options.log ?? (() => {});
  await mkdir(options.dir, { recursive: true });
  const fetchOne = async (repoPath: string): Promise<string> => {
    const file = join(options.dir, repoPath.split('/').at(-1)!);
    if (await nonEmptyFile(file)) {
      log(`cached ${file}`);
      return file;
    }
    const url = new URL(repoPath, base.endsWith('/') ? base : `${base}/`).href;
    log(`downloading ${url}`);
    const body = await fetchBytes(url, options.connectTimeoutMs ?? 15_000, options.fileTimeoutMs ?? 300_000);
    await writeFileAtomic(file, body);
    log(`saved ${file} (${body.byteLength} bytes)`);
    return file;
  };
  const metadata: string[] = [];
  for (const p of JAMENDO_FILES.metadata) metadata.push(await fetchOne(p));
  const meta = await fetchOne(JAMENDO_FILES.meta);
  const licenses = await fetchOne(JAMENDO_FILES.licenses);
  return { metadata, meta, licenses };
}

async function fetchBytes(url: string, connectTimeoutMs: number, fileTimeoutMs: number): Promise<Uint8Array> {
  const controller = new AbortController();
  let phase: 'connect' | 'body' = 'connect';
  let timer = setTimeout(() => controller.abort(), connectTimeoutMs);
  try {
    const res = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    clearTimeout(timer);
    phase = 'body';
    timer = setTimeout(() => controller.abort(), fileTimeoutMs);
    if (!res.ok) {
      await res.body?.cancel();
      throw new DownloadError(`Download failed: HTTP ${res.status} ${res.statusText} for ${url}.`, offlineHint());
    }
    return new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    throw new DownloadError(`Cannot download ${url}: ${describeFetchError(err, phase, connectTimeoutMs, fileTimeoutMs)}.`, offlineHint());
  } finally {
    clearTimeout(timer);
  }
}

function describeFetchError(err: unknown, phase: 'connect' | 'body', connectMs: number, fileMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'AbortError' || e.name === 'TimeoutError') {
    return phase === 'connect' ? `no answer within ${connectMs / 1000} s` : `not complete within ${fileMs / 1000} s`;
  }
  const code = e.cause?.code;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return `the host name does not resolve (${code}); this machine looks offline`;
  if (code === 'ECONNREFUSED' || code === 'ENETUNREACH' || code === 'EHOSTUNREACH' || code === 'ECONNRESET') {
    return `cannot connect (${code})`;
  }
  return e.cause?.message ?? e.message ?? String(err);
}

function offlineHint(): string {
  const paths = [...JAMENDO_FILES.metadata, JAMENDO_FILES.meta, JAMENDO_FILES.licenses];
  return (
    `Fetch ${paths.join(', ')} from ${JAMENDO_REPOSITORY_URL} on a machine with internet and import the local copies: ` +
    'npm run catalog -- jamendo --metadata <tsv> [--metadata <tsv>…] --meta raw.meta.tsv --licenses audio_licenses.txt --out <catalog.csv>.'
  );
}

async function nonEmptyFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}
