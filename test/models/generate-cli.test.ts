import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parseGenerateArgs } from '../../src/models/generate/cli-args.ts';
import { fileTempDir } from '../helpers/temp-dir.ts';
import { readTree } from './helpers.ts';

const run = promisify(execFile);
const TSX = resolve('node_modules/tsx/dist/cli.mjs');
const SCRIPT = resolve('scripts/generate-models.ts');

const root = await fileTempDir('gen-cli');

describe('parseGenerateArgs', () => {
  it('defaults: both models into $MODELS_DIR or models/', () => {
    const base = { sbert: expect.any(Object), clap: expect.any(Object), force: false };
    expect(parseGenerateArgs([], {})).toMatchObject({ outDir: 'models', ...base });
    expect(parseGenerateArgs([], { MODELS_DIR: '/m' })).toMatchObject({ outDir: '/m' });
    expect(parseGenerateArgs(['--out', 'x', '--force', '--seed', '9'], { MODELS_DIR: '/m' })).toMatchObject({
      outDir: 'x',
      seed: 9,
      force: true,
    });
    expect(parseGenerateArgs(['--help'])).toBe('help');
  });

  it('generic sizes apply to every tower; per-model flags win', () => {
    const o = parseGenerateArgs(['--layers', '3', '--hidden', '64', '--sbert-hidden', '384', '--clap-audio-layers', '1', '--projection', '128', '--vocab', '900']);
    expect(o).toMatchObject({
      sbert: { layers: 3, hidden: 384, vocab: 900 },
      clap: { text: { layers: 3, hidden: 64, vocab: 900 }, audio: { layers: 1, hidden: 64 }, projection: 128 },
    });
    expect(parseGenerateArgs(['--clap-projection', '256', '--projection', '128'])).toMatchObject({ clap: { projection: 256 } });
  });

  it('--only picks models', () => {
    expect(parseGenerateArgs(['--only', 'clap'])).toMatchObject({ sbert: false, clap: expect.any(Object) });
    expect(parseGenerateArgs(['--only', 'sbert', '--only', 'clap'])).toMatchObject({ sbert: expect.any(Object), clap: expect.any(Object) });
    expect(() => parseGenerateArgs(['--only', 'gpt'])).toThrow(/--only takes "sbert" or "clap"/);
  });

  it('rejects non-numbers and unknown flags', () => {
    expect(() => parseGenerateArgs(['--layers', 'two'])).toThrow(/--layers expects a whole number; got "two"/);
    expect(() => parseGenerateArgs(['--seed', '-3'])).toThrow(/Bad arguments|whole number/);
    expect(() => parseGenerateArgs(['--sbert-dropout', '1'])).toThrow(/Bad arguments: Unknown option '--sbert-dropout'/);
  });
});

describe('npm run models:generate', () => {
  it('writes, then keeps; bad sizes exit 1 with one line', async () => {
    const args = [TSX, SCRIPT, '--out', root, '--layers', '1', '--hidden', '32', '--heads', '2', '--intermediate', '32'];
    const first = await run(process.execPath, args);
    expect(first.stdout).toMatch(/wrote cratedigger\/tiny-sbert/);
    expect(first.stdout).toMatch(/wrote cratedigger\/tiny-clap/);
    const tree = await readTree(root);
    expect(tree.has('cratedigger/tiny-sbert/onnx/model_quantized.onnx')).toBe(true);
    const second = await run(process.execPath, args);
    expect(second.stdout).toMatch(/kept cratedigger\/tiny-sbert/);
    expect(second.stdout).not.toMatch(/note:/);
    const bad = (await run(process.execPath, [TSX, SCRIPT, '--out', root, '--force', '--hidden', '30', '--heads', '4']).catch(
      (e: unknown) => e,
    )) as { code: number; stderr: string };
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim()).toBe(
      'error: SBERT hidden size 30 is not divisible by its 4 attention heads. Pick --sbert-hidden and --sbert-heads so that hidden / heads is a whole number.',
    );
  });
});
