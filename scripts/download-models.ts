/**
 * npm run models:download — fetches the real ONNX models from the Hugging Face hub into
 * `<out>/<id>/` (the layout transformers.js reads with env.localModelPath), where internet exists.
 * Each file streams to `<file>.part` and is renamed when complete, so a present file is a
 * complete one and a rerun skips it. HF_ENDPOINT replaces https://huggingface.co (a mirror).
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { isUserError, UserError } from '../src/errors.ts';

export const DEFAULT_MODELS = ['Xenova/all-MiniLM-L6-v2', 'Xenova/larger_clap_music_and_speech'] as const;
export type DownloadDtype = 'q8' | 'fp32' | 'all';

const HELP = `Usage: npm run models:download -- [--model <id>]... [--dtype q8|fp32|all] [--out <dir>]

Downloads real models from the Hugging Face hub into <out>/<id>/ (needs internet).
  --model <id>   model to fetch (repeatable; default: ${DEFAULT_MODELS.join(' and ')})
                 e.g. Xenova/clap-htsat-unfused
  --dtype        q8 (onnx/*_quantized.onnx, default), fp32 (onnx/*.onnx) or all
  --out <dir>    models dir (default: $MODELS_DIR or "models")
Env: HF_ENDPOINT replaces https://huggingface.co (e.g. a mirror).
Offline? Use npm run models:generate for stand-in models.
`;

/** Wait this long for a response, and at most this long between two chunks of a body. */
const RESPONSE_TIMEOUT_MS = 30_000;
const IDLE_TIMEOUT_MS = 60_000;

export interface RemoteFile {
  path: string;
  /** Optional files may be absent from a repository (HTTP 404 is then fine). */
  optional: boolean;
}

/** Files transformers.js reads for a model of `modelType`, for the requested dtypes. */
export function filesFor(modelType: string, dtype: DownloadDtype): RemoteFile[] {
  const suffixes = dtype === 'all' ? ['', '_quantized'] : dtype === 'q8' ? ['_quantized'] : [''];
  const onnx = modelType === 'clap' ? ['text_model', 'audio_model'] : ['model'];
  return [
    { path: 'tokenizer.json', optional: false },
    { path: 'tokenizer_config.json', optional: false },
    { path: 'special_tokens_map.json', optional: true },
    ...(modelType === 'clap' ? [{ path: 'preprocessor_config.json', optional: false }] : []),
    ...onnx.flatMap((name) => suffixes.map((s) => ({ path: `onnx/${name}${s}.onnx`, optional: false }))),
  ];
}

export function fileUrl(endpoint: string, id: string, path: string): string {
  return `${endpoint.replace(/\/+$/, '')}/${id}/resolve/main/${path}`;
}

function describeFetchError(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return 'no answer in time';
  return e.cause?.message ?? e.cause?.code ?? e.message ?? String(err);
}

function unreachable(url: string, err: unknown): UserError {
  return new UserError(
    `Cannot download ${url}: ${describeFetchError(err)}.`,
    'Check the network (or set HF_ENDPOINT to a reachable mirror); offline, run npm run models:generate instead.',
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

type Log = (line: string, final: boolean) => void;

/** Downloads one file to `dest` via `dest.part`; 'missing' for an optional file the repo lacks. */
export async function downloadFile(
  url: string,
  dest: string,
  file: RemoteFile,
  log: Log,
): Promise<'downloaded' | 'present' | 'missing'> {
  if (await exists(dest)) return 'present';
  const controller = new AbortController();
  let timer = setTimeout(() => controller.abort(), RESPONSE_TIMEOUT_MS);
  const part = `${dest}.part`;
  try {
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    } catch (err) {
      throw unreachable(url, err);
    }
    if (response.status === 404 && file.optional) return 'missing';
    if (!response.ok || !response.body) {
      const why = response.status === 401 || response.status === 403 ? ' (private or gated model?)' : '';
      throw new UserError(`Cannot download ${url}: HTTP ${response.status}${why}.`, 'Check the model id and --dtype.');
    }
    const total = Number(response.headers.get('content-length') ?? 0);
    await mkdir(dirname(dest), { recursive: true });
    const out = createWriteStream(part);
    let received = 0;
    let lastShown = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        clearTimeout(timer);
        timer = setTimeout(() => controller.abort(), IDLE_TIMEOUT_MS);
        received += chunk.byteLength;
        if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
        if (received - lastShown > 1_000_000) {
          lastShown = received;
          const pct = total > 0 ? ` (${Math.floor((100 * received) / total)}%)` : '';
          log(`  ${file.path}  ${megabytes(received)}${total > 0 ? ` / ${megabytes(total)}` : ''} MB${pct}`, false);
        }
      }
    } catch (err) {
      throw unreachable(url, err);
    } finally {
      await new Promise<void>((r, j) => out.end((e?: Error | null) => (e ? j(e) : r())));
    }
    if (total > 0 && received !== total) {
      throw new UserError(`Download of ${url} ended early (${received} of ${total} bytes).`, 'Run the command again.');
    }
    await rename(part, dest);
    log(`  ${file.path}  ${megabytes(received)} MB`, true);
    return 'downloaded';
  } catch (err) {
    await rm(part, { force: true });
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export interface DownloadOptions {
  outDir: string;
  dtype: DownloadDtype;
  endpoint: string;
  log: Log;
}

/** Fetches config.json first (its model_type decides the ONNX files), then the rest. */
export async function downloadModel(id: string, o: DownloadOptions): Promise<void> {
  if (!/^[\w.-]+\/[\w.-]+$/.test(id)) {
    throw new UserError(`"${id}" is not a model id.`, 'Use the form owner/name, e.g. Xenova/all-MiniLM-L6-v2.');
  }
  const dir = join(o.outDir, ...id.split('/'));
  o.log(`${id} → ${dir}`, true);
  const configPath = join(dir, 'config.json');
  await downloadFile(fileUrl(o.endpoint, id, 'config.json'), configPath, { path: 'config.json', optional: false }, o.log);
  let modelType: string;
  try {
    modelType = String((JSON.parse(await readFile(configPath, 'utf8')) as { model_type?: unknown }).model_type ?? '');
  } catch {
    throw new UserError(`${configPath} is not valid JSON.`, 'Delete it and run the command again.');
  }
  for (const file of filesFor(modelType, o.dtype)) {
    const status = await downloadFile(fileUrl(o.endpoint, id, file.path), join(dir, file.path), file, o.log);
    if (status === 'present') o.log(`  ${file.path}  present, skipped`, true);
    if (status === 'missing') o.log(`  ${file.path}  not in the repository, skipped`, true);
  }
}

export function parseDownloadArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): { models: string[]; outDir: string; dtype: DownloadDtype; endpoint: string } | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        model: { type: 'string', multiple: true },
        dtype: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    throw new UserError(`Bad arguments: ${(err as Error).message.replace(/\.?$/, '.')}`, 'See --help.');
  }
  if (values.help) return 'help';
  const dtype = values.dtype ?? 'q8';
  if (dtype !== 'q8' && dtype !== 'fp32' && dtype !== 'all') {
    throw new UserError(`--dtype takes q8, fp32 or all; got "${dtype}".`);
  }
  return {
    models: values.model ?? [...DEFAULT_MODELS],
    outDir: values.out ?? env['MODELS_DIR'] ?? 'models',
    dtype,
    endpoint: env['HF_ENDPOINT'] || 'https://huggingface.co',
  };
}

async function main(): Promise<void> {
  const args = parseDownloadArgs(process.argv.slice(2), process.env);
  if (args === 'help') {
    process.stdout.write(HELP);
    return;
  }
  const tty = process.stdout.isTTY;
  const log: Log = (line, final) => {
    // On a terminal progress lines overwrite each other; elsewhere only final lines are printed.
    if (tty) process.stdout.write(`\r\x1b[K${line}${final ? '\n' : ''}`);
    else if (final) process.stdout.write(`${line}\n`);
  };
  for (const id of args.models) {
    await downloadModel(id, { outDir: resolve(args.outDir), dtype: args.dtype, endpoint: args.endpoint, log });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    if (process.stdout.isTTY) process.stdout.write('\n');
    console.error(isUserError(err) ? `error: ${err.full}` : err);
    process.exitCode = 1;
  });
}
