/**
 * The architecture as a test (ARCHITECTURE.md): every module of src/ sits in a layer, imports go
 * only to its own layer or lower ones, runtime imports form no cycle, and the process entries in
 * src/main/ are imported by nobody and export nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.ts';

const SRC = path.join(REPO_ROOT, 'src');

/** Lowest first. A module may import its own layer and the ones below. */
const LAYERS: readonly (readonly string[])[] = [
  ['util', 'errors.ts', 'logger.ts'], // base
  ['catalog', 'audio', 'models', 'retrieval', 'cache'], // domain
  ['config.ts', 'shard-plan.ts', 'indexing'], // settings, index builds
  ['app'], // use cases shared by every front end
  ['eval', 'bench', 'console', 'discord', 'commands', 'cli'], // tools and front ends
  ['main'], // process entries
];

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.(ts|mjs)$/.test(e.name) ? [path.relative(SRC, p)] : [];
  });
}

const STATIC = /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/g;
const DYNAMIC = /import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function edges(files: readonly string[]): Edge[] {
  return files.flatMap((from) => {
    const text = readFileSync(path.join(SRC, from), 'utf8');
    const target = (spec: string) => path.normalize(path.join(path.dirname(from), spec));
    return [
      ...[...text.matchAll(STATIC)].map((m) => ({ from, to: target(m[3]!), typeOnly: Boolean(m[2]) })),
      ...[...text.matchAll(DYNAMIC)].map((m) => ({ from, to: target(m[1]!), typeOnly: false })),
    ];
  });
}

const top = (file: string) => file.split(path.sep)[0]!;
const layerOf = (file: string) => LAYERS.findIndex((l) => l.includes(top(file)));

/** Strongly connected components of more than one module (Tarjan). */
function cycles(nodes: readonly string[], next: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    on.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1) out.push(comp.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return out;
}

describe('the import graph of src/', () => {
  const files = sourceFiles(SRC);
  const all = edges(files);

  it('finds the modules and their imports (the parser works)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect(all.some((e) => e.from === path.join('main', 'bot.ts') && e.to === path.join('discord', 'start-bot.ts'))).toBe(true);
    expect(all.some((e) => e.typeOnly)).toBe(true);
  });

  it('puts every top-level folder and file of src/ in a layer', () => {
    expect([...new Set(files.map(top))].filter((t) => layerOf(t) < 0)).toEqual([]);
  });

  it('has no import from a lower layer to a higher one', () => {
    const upward = all.filter((e) => layerOf(e.to) > layerOf(e.from)).map((e) => `${e.from} → ${e.to}`);
    expect(upward).toEqual([]);
  });

  it('has no cycle of runtime imports', () => {
    const next = new Map<string, string[]>();
    for (const e of all) if (!e.typeOnly) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
    expect(cycles(files, next)).toEqual([]);
  });

  it('keeps the process entries apart: nothing imports src/main/, which exports nothing', () => {
    expect(all.filter((e) => top(e.to) === 'main' && top(e.from) !== 'main')).toEqual([]);
    for (const f of files.filter((file) => top(file) === 'main')) {
      expect(readFileSync(path.join(SRC, f), 'utf8'), f).not.toMatch(/^export\s/m);
    }
  });
});
