/**
 * The supported runtimes: the tests themselves run on a Node that package.json's engines allow, on
 * set-up's project-local one when it linked one (what `npm test` promises), and set-up's shell
 * check of a version agrees with the engines range.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.ts';

const ENGINES: string = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node;
const LINK = path.join(REPO_ROOT, 'node_modules', '.bin', 'node');
const RUNTIME_SCRIPT = path.join(REPO_ROOT, 'scripts', 'node-runtime.sh');

/** Whether `version` (x.y.z) is in a range of `||`-joined `^x.y.z` and `>=x[.y[.z]]` parts, the forms engines uses. */
function inRange(version: string, range: string): boolean {
  const parse = (v: string) => v.split('.').map(Number).concat(0, 0).slice(0, 3) as [number, number, number];
  const compare = (a: number[], b: number[]) => a.reduce((c, x, i) => c || Math.sign(x - b[i]!), 0);
  const v = parse(version);
  return range.split('||').some((part) => {
    const p = part.trim();
    if (p.startsWith('^')) {
      const floor = parse(p.slice(1));
      return v[0] === floor[0] && compare(v, floor) >= 0;
    }
    if (p.startsWith('>=')) return compare(v, parse(p.slice(2))) >= 0;
    throw new Error(`unsupported range part "${p}" in engines.node "${range}"`);
  });
}

/** scripts/node-runtime.sh's runtime_supported, as set-up runs it. */
function shellSupports(version: string): boolean {
  const run = spawnSync('bash', ['-c', `root="$1"; say() { :; }; source "$2"; runtime_supported "$3"`, 'bash', REPO_ROOT, RUNTIME_SCRIPT, version]);
  return run.status === 0;
}

describe('supported runtimes', () => {
  it('the tests run on a Node that engines allows', () => {
    expect(inRange(process.versions.node, ENGINES), `Node ${process.version} is not supported (${ENGINES}): run npm test, which sets up a supported one`).toBe(true);
  });

  it('the tests run on the Node set-up linked, when it linked one, of the major CRATEDIGGER_NODE asked for', () => {
    const linked = existsSync(LINK) && lstatSync(LINK).isSymbolicLink() ? realpathSync(LINK) : undefined;
    if (linked) {
      expect(realpathSync(process.execPath), `set-up linked node_modules/.bin/node → ${linked}; run through npm (npm test, npx vitest)`).toBe(linked);
      expect(execFileSync(LINK, ['-p', 'process.version'], { encoding: 'utf8' }).trim()).toBe(process.version);
    } else {
      expect(realpathSync(process.execPath)).not.toContain(`${path.sep}.cache${path.sep}runtime${path.sep}`);
    }
    const asked = process.env.CRATEDIGGER_NODE;
    if (asked) expect(process.versions.node.split('.')[0]).toBe(asked);
  });

  it("set-up's check of a version agrees with engines", () => {
    const versions = ['18.20.4', '20.19.0', '20.20.2', '22.0.0', '22.11.0', '22.12.0', '22.23.5', '23.11.1', '24.0.0', '24.22.3', '26.10.0'];
    const expected = versions.filter((v) => inRange(v, ENGINES));
    expect(expected).toEqual(['22.12.0', '22.23.5', '24.0.0', '24.22.3', '26.10.0']);
    expect(versions.filter(shellSupports)).toEqual(expected);
    expect(shellSupports('none')).toBe(false);
  });

  it('refuses a CRATEDIGGER_NODE it cannot serve, saying what to set', () => {
    const run = spawnSync('bash', ['-c', `set -euo pipefail; root="$1"; say() { echo "setup: $*" >&2; }; source "$2"; runtime_choose`, 'bash', REPO_ROOT, RUNTIME_SCRIPT], {
      env: { ...process.env, CRATEDIGGER_NODE: '20' },
      encoding: 'utf8',
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('setup: CRATEDIGGER_NODE=20: use 22 or 24 (a project-local Node of that major), or unset it to use the Node on PATH\n');
  });
});
