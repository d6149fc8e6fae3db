/**
 * scripts/download-models.ts against a local stand-in for the hub (HF_ENDPOINT) serving generated
 * models under the real ids, and against an unreachable endpoint.
 */
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUserError } from '../../src/errors.ts';
import { generateModels, GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../../src/models/generate/index.ts';
import { DEFAULT_MODELS, downloadModel, filesFor, parseDownloadArgs } from '../../scripts/download-models.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { readTree } from './helpers.ts';

const run = promisify(execFile);
const TSX = resolve('node_modules/tsx/dist/cli.mjs');
const SCRIPT = resolve('scripts/download-models.ts');

/** Repository id → folder of generated files the fake hub serves for it. */
const SERVED: Record<string, string> = {
  'Xenova/all-MiniLM-L6-v2': GENERATED_SBERT_ID,
  'Xenova/larger_clap_music_and_speech': GENERATED_CLAP_ID,
};

const root = await fileTempDir('download');
let server: Server;
let endpoint: string;
const requests: string[] = [];
/** Paths for which the server announces more bytes than it sends, then hangs up. */
const truncated = new Set<string>();

beforeAll(async () => {
  await generateModels({
    outDir: join(root, 'source'),
    sbert: { layers: 1, hidden: 32, heads: 2, intermediate: 32, vocab: 500 },
    clap: {
      text: { layers: 1, hidden: 32, heads: 2, intermediate: 32, vocab: 500 },
      audio: { layers: 1, hidden: 32, heads: 2, intermediate: 32 },
      projection: 32,
    },
  });
  server = createServer((req, res) => {
    const url = req.url ?? '';
    requests.push(url);
    const match = /^\/([^/]+\/[^/]+)\/resolve\/main\/(.+)$/.exec(url);
    const folder = match ? SERVED[match[1] as string] : undefined;
    if (!match || !folder) {
      res.writeHead(404).end('Repository not found');
      return;
    }
    readFile(join(root, 'source', folder, match[2] as string)).then(
      (body) => {
        if (truncated.has(match[2] as string)) {
          res.writeHead(200, { 'content-length': String(body.length) });
          res.write(body.subarray(0, body.length >> 1));
          res.destroy();
          return;
        }
        res.writeHead(200, { 'content-length': String(body.length) }).end(body);
      },
      () => res.writeHead(404).end('Entry not found'),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe('models:download', () => {
  it('downloads the SBERT and CLAP files (all dtypes) byte for byte, then skips them on a rerun', async () => {
    const out = join(root, 'out');
    const { stdout } = await run(process.execPath, [TSX, SCRIPT, '--out', out, '--dtype', 'all'], {
      env: { ...process.env, HF_ENDPOINT: `${endpoint}/` },
    });
    expect(stdout).toContain('Xenova/all-MiniLM-L6-v2');
    for (const [id, folder] of Object.entries(SERVED)) {
      const got = await readTree(join(out, id));
      const source = await readTree(join(root, 'source', folder));
      const expected = ['config.json', ...filesFor(id.includes('clap') ? 'clap' : 'bert', 'all').map((f) => f.path)];
      expect([...got.keys()].sort()).toEqual(expected.sort());
      for (const [path, bytes] of got) expect(bytes.equals(source.get(path)!), path).toBe(true);
    }
    requests.length = 0;
    const again = await run(process.execPath, [TSX, SCRIPT, '--out', out, '--dtype', 'all'], {
      env: { ...process.env, HF_ENDPOINT: endpoint },
    });
    expect(requests).toEqual([]);
    expect(again.stdout).toContain('present, skipped');
  });

  it('q8 fetches only the quantized ONNX files; a model id can be chosen', async () => {
    const out = join(root, 'q8');
    const log: string[] = [];
    await downloadModel('Xenova/larger_clap_music_and_speech', {
      outDir: out,
      dtype: 'q8',
      endpoint,
      log: (line, final) => final && log.push(line),
    });
    const onnx = await readdir(join(out, 'Xenova/larger_clap_music_and_speech/onnx'));
    expect(onnx.sort()).toEqual(['audio_model_quantized.onnx', 'text_model_quantized.onnx']);
  });

  it('a connection cut mid-file leaves neither the file nor its .part, and names the URL', async () => {
    const out = join(root, 'cut');
    truncated.add('onnx/model_quantized.onnx');
    try {
      const err = await downloadModel('Xenova/all-MiniLM-L6-v2', { outDir: out, dtype: 'q8', endpoint, log: () => {} }).catch(
        (e: unknown) => e,
      );
      expect(isUserError(err)).toBe(true);
      expect((err as Error).message).toContain(`${endpoint}/Xenova/all-MiniLM-L6-v2/resolve/main/onnx/model_quantized.onnx`);
      const left = [...(await readTree(join(out, 'Xenova/all-MiniLM-L6-v2'))).keys()];
      expect(left.sort()).toEqual(['config.json', 'special_tokens_map.json', 'tokenizer.json', 'tokenizer_config.json']);
    } finally {
      truncated.delete('onnx/model_quantized.onnx');
    }
    // A stale .part from an interrupted run does not block the next one.
    await mkdir(join(out, 'Xenova/all-MiniLM-L6-v2/onnx'), { recursive: true });
    await writeFile(join(out, 'Xenova/all-MiniLM-L6-v2/onnx/model_quantized.onnx.part'), 'junk');
    await downloadModel('Xenova/all-MiniLM-L6-v2', { outDir: out, dtype: 'q8', endpoint, log: () => {} });
    expect(await readdir(join(out, 'Xenova/all-MiniLM-L6-v2/onnx'))).toEqual(['model_quantized.onnx']);
  });

  it('an unknown repository is a clear HTTP error naming the URL', async () => {
    const err = await downloadModel('nobody/nothing', { outDir: join(root, 'none'), dtype: 'q8', endpoint, log: () => {} }).catch(
      (e: unknown) => e,
    );
    expect(isUserError(err)).toBe(true);
    expect((err as Error).message).toBe(`Cannot download ${endpoint}/nobody/nothing/resolve/main/config.json: HTTP 404.`);
  });

  it('offline: fails fast with one line naming the URL and exit code 1', async () => {
    // A loopback port nobody listens on refuses connections: the same path as no internet.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const started = Date.now();
    const err = (await run(process.execPath, [TSX, SCRIPT, '--out', join(root, 'offline')], {
      env: { ...process.env, HF_ENDPOINT: `http://127.0.0.1:${port}` },
    }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    const lines = err.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^error: Cannot download http:\/\/127\.0\.0\.1:\d+\/Xenova\/all-MiniLM-L6-v2\/resolve\/main\/config\.json: .*ECONNREFUSED.*models:generate/,
    );
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('parses its flags', () => {
    expect(parseDownloadArgs([], {})).toEqual({
      models: [...DEFAULT_MODELS],
      outDir: 'models',
      dtype: 'q8',
      endpoint: 'https://huggingface.co',
    });
    expect(
      parseDownloadArgs(['--model', 'Xenova/clap-htsat-unfused', '--dtype', 'fp32', '--out', 'm'], { HF_ENDPOINT: 'http://mirror' }),
    ).toEqual({ models: ['Xenova/clap-htsat-unfused'], outDir: 'm', dtype: 'fp32', endpoint: 'http://mirror' });
    expect(() => parseDownloadArgs(['--dtype', 'fp16'], {})).toThrow(/--dtype takes q8, fp32 or all/);
    expect(() => parseDownloadArgs(['--nope'], {})).toThrow(/Bad arguments/);
  });
});
