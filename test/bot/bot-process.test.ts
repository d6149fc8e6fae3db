/**
 * The real entry points as processes: `tsx src/main/bot.ts` without a token (instructions, exit 0; in a
 * terminal, the console stand-in), with a token against the emulator (ready, answers, clean exit
 * on SIGTERM, no token in its output), with a refused token or bad settings (clear exit), and
 * `tsx src/main/deploy-commands.ts`.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DiscordEmulator } from '../discord-emulator/index.ts';
import { BOT_ENTRY as BOT, BotProcess, TSX } from './helpers/bot-process.ts';
import { MODELS_DIR, REPO_ROOT } from '../helpers/paths.ts';
import { tempDir } from '../helpers/temp-dir.ts';
import { buildTestIndex, catalogTracks } from './helpers/fixtures.ts';
import { waitFor } from '../helpers/wait-for.ts';

const DEPLOY = path.join(REPO_ROOT, 'src', 'main', 'deploy-commands.ts');

let tmp: { dir: string; cleanup: () => Promise<void> };
let emu: DiscordEmulator;
let baseEnv: NodeJS.ProcessEnv;

/** A clean environment: nothing from the developer's shell or .env leaks in (dotenv never overrides set variables). */
function env(extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DISCORD_TOKEN: '',
    DISCORD_APPLICATION_ID: '',
    DISCORD_GUILD_ID: '',
    KEYV_URL: '',
    AUDIO_ROOT: '',
    ...baseEnv,
    ...extra,
  };
}

/** Every process a test starts; stopped after each test, so a failed assertion leaves none running. */
const started: BotProcess[] = [];

function start(args: string[], extra: Record<string, string>): BotProcess {
  const run = BotProcess.start(env(extra), args);
  started.push(run);
  return run;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((run) => run.stop()));
});

beforeAll(async () => {
  tmp = await tempDir('bot-process');
  await buildTestIndex(path.join(tmp.dir, 'embeddings', 'main'), { name: 'main', tracks: catalogTracks(12) });
  emu = await DiscordEmulator.start({ heartbeatIntervalMs: 500 });
  baseEnv = {
    MODELS_DIR,
    EMBEDDINGS_DIR: path.join(tmp.dir, 'embeddings'),
    INDEX_NAME: 'main',
    PREVIEW_CACHE_DIR: path.join(tmp.dir, 'previews'),
    LOG_FORMAT: 'json',
  };
});

afterAll(async () => {
  await emu?.close();
  await tmp?.cleanup();
});

describe('npm start without a token', () => {
  it('says how to configure the bot and exits 0 when stdin is not a terminal (no models loaded)', async () => {
    const run = start([BOT], {});
    expect(await run.exit).toBe(0);
    const out = run.stdout();
    expect(out).toMatch(/^cratedigger: DISCORD_TOKEN is not set/);
    for (const name of ['DISCORD_TOKEN', 'DISCORD_APPLICATION_ID', 'DISCORD_GUILD_ID', 'npm run deploy-commands', 'README']) expect(out).toContain(name);
    expect(out).not.toContain('Loading the models');
    expect(run.stderr()).toBe('');
  });

  const hasScript = (() => {
    try {
      execFileSync('script', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasScript)('in a terminal, runs the console stand-in: pages with n/p, q quits', async () => {
    // `script` gives the child a pseudo-terminal, so the real TTY check in src/main/bot.ts decides.
    const command = `${TSX} ${BOT}`;
    const run = spawn('script', ['-qec', command, '/dev/null'], { cwd: REPO_ROOT, env: env({}), stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    run.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exit = once(run, 'exit');
    await waitFor(() => out.includes('> '), { what: 'the console prompt', timeoutMs: 30_000 });
    run.stdin.write('calm piano\n');
    await waitFor(() => /Page 1\/3/.test(out), { what: 'page 1', timeoutMs: 30_000 });
    run.stdin.write('n\n');
    await waitFor(() => /Page 2\/3/.test(out), { what: 'page 2', timeoutMs: 30_000 });
    run.stdin.write('q\n');
    const [code] = await exit;
    expect(code).toBe(0);
    expect(out).toContain('Index "main": 12 tracks, text-only, first stage hybrid');
    expect(out).toMatch(/ 6\. Song \d+ — Artist [A-E]/);
  });
});

describe('npm start with a token', () => {
  it('gets ready, answers /recommend, and exits 0 on SIGTERM after a clean shutdown; never prints the token', async () => {
    const t0 = Date.now();
    const run = start([BOT], {
      DISCORD_TOKEN: emu.token,
      DISCORD_API_URL: emu.apiUrl,
      DISCORD_APPLICATION_ID: emu.applicationId,
      DISCORD_GUILD_ID: emu.guild.id,
    });
    await waitFor(() => run.stdout().includes('"msg":"bot ready"'), { what: 'bot ready', timeoutMs: 30_000 });
    const readyMs = Date.now() - t0;
    // Register with the deploy script, as a person would.
    const deploy = start([DEPLOY], { DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.apiUrl, DISCORD_APPLICATION_ID: emu.applicationId, DISCORD_GUILD_ID: emu.guild.id });
    expect(await deploy.exit).toBe(0);
    expect(deploy.stdout()).toBe(`Deployed /recommend, /similar, /voice, /reload in server ${emu.guild.id}.\n`);

    const sent = Date.now();
    const ix = await emu.sendCommand({ name: 'recommend', options: { prompt: 'calm piano for a rainy evening' } });
    const reply = await ix.waitForOriginal(undefined, { timeoutMs: 20_000 });
    const answerMs = Date.now() - sent;
    expect(reply.data.embeds[0]?.footer?.text).toMatch(/^Page 1\/3 · text-only · index main/);
    // The reply is edited before the command ends (it then saves the pages and adds ◀️ ▶️): this
    // test stops an idle bot, so it waits for the command to be done.
    await waitFor(() => run.stdout().includes('"msg":"command done"'), { what: 'command done' });

    const stopAt = Date.now();
    run.child.kill('SIGTERM');
    expect(await run.exit).toBe(0);
    const stopMs = Date.now() - stopAt;
    const lines = run.stdout().trim().split('\n').map((l) => JSON.parse(l) as { msg: string; level: number });
    const msgs = lines.map((l) => l.msg);
    expect(msgs.indexOf('recommender ready')).toBeLessThan(msgs.indexOf('bot ready'));
    expect(msgs.at(-1)).toBe('bot stopped');
    expect(msgs.slice(msgs.indexOf('shutting down'))).toEqual(['shutting down', 'bot stopped']);
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(run.stdout() + run.stderr()).not.toContain(emu.token);
    console.info(`process: ready in ${readyMs} ms, /recommend answered in ${answerMs} ms, stopped in ${stopMs} ms`);
  });

  it('exits 1 with a clear line when Discord refuses the token, without printing it', async () => {
    const bad = `${emu.token}x`;
    const run = start([BOT], { DISCORD_TOKEN: bad, DISCORD_API_URL: emu.apiUrl });
    expect(await run.exit).toBe(1);
    const fatal = run.stdout().trim().split('\n').map((l) => JSON.parse(l) as { msg: string; level: number }).find((l) => l.level === 60);
    expect(fatal?.msg).toMatch(/^Discord refused the login/);
    expect(run.stdout() + run.stderr()).not.toContain(bad);
  });

  it('exits 2 on invalid settings, naming the variable', async () => {
    const run = start([BOT], { DISCORD_TOKEN: 'x', CACHE_TTL_SECONDS: 'soon' });
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(/^cratedigger: Invalid configuration: CACHE_TTL_SECONDS: .*See \.env\.example/);
  });

  it('exits 1 with the reason when the cache URL is unsupported', async () => {
    const run = start([BOT], { DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.apiUrl, KEYV_URL: 'mongodb://db' });
    expect(await run.exit).toBe(1);
    expect(run.stdout()).toContain('KEYV_URL \\"mongodb://db\\" is not supported.');
  });
});

describe('npm run deploy-commands', () => {
  it('says which variables are missing (exit 2)', async () => {
    const run = start([DEPLOY], {});
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toMatch(/^deploy-commands: Cannot deploy commands: DISCORD_TOKEN and DISCORD_APPLICATION_ID are not set\./);
  });

  it('registers globally without DISCORD_GUILD_ID, honouring DISCORD_API_URL', async () => {
    const run = start([DEPLOY], { DISCORD_TOKEN: emu.token, DISCORD_API_URL: emu.apiUrl, DISCORD_APPLICATION_ID: emu.applicationId });
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(/^Deployed \/recommend, \/similar, \/voice, \/reload globally/);
    expect(emu.commands.filter((c) => c.guild_id === undefined).map((c) => c.name).sort()).toEqual(['recommend', 'reload', 'similar', 'voice']);
  });

  it('explains a refused token (exit 2)', async () => {
    const run = start([DEPLOY], { DISCORD_TOKEN: 'wrong', DISCORD_API_URL: emu.apiUrl, DISCORD_APPLICATION_ID: emu.applicationId });
    expect(await run.exit).toBe(2);
    expect(run.stderr()).toContain('Discord refused DISCORD_TOKEN (401 Unauthorized).');
  });
});
