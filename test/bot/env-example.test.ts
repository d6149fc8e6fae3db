/** .env.example documents every variable the config reads, and nothing it does not. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ENV_VARIABLES, loadConfig } from '../../src/config.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

const text = readFileSync(path.join(REPO_ROOT, '.env.example'), 'utf8');
const assignments = [...text.matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].map((m) => [m[1]!, m[2]!] as const);

describe('.env.example', () => {
  it('lists every variable in ENV_VARIABLES exactly once, and no others', () => {
    const names = assignments.map(([n]) => n);
    expect([...names].sort()).toEqual([...ENV_VARIABLES].sort());
    expect(new Set(names).size).toBe(names.length);
  });

  it('is itself a valid configuration, with every variable commented', () => {
    const env = Object.fromEntries(assignments);
    expect(() => loadConfig(env, REPO_ROOT)).not.toThrow();
    const lines = text.split('\n');
    for (const [name] of assignments) {
      const i = lines.findIndex((l) => l.startsWith(`${name}=`));
      const group = lines.slice(0, i).reverse();
      // A comment right above, or the variable belongs to a commented group (consecutive lines).
      expect(group.find((l) => !/^[A-Z][A-Z0-9_]*=/.test(l))?.startsWith('#'), name).toBe(true);
    }
  });

  it('holds no secrets: the token and ids are empty', () => {
    const env = Object.fromEntries(assignments);
    expect(env.DISCORD_TOKEN).toBe('');
    expect(env.DISCORD_APPLICATION_ID).toBe('');
    expect(env.BOT_ADMIN_IDS).toBe('');
  });
});
