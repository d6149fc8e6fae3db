/**
 * Fixtures for the bot's end-to-end tests: a small catalog with real audio files (ffmpeg sines),
 * indexes built with the generated models, a log capture, and an in-process bot on an emulator.
 */
import path from 'node:path';
import { Writable } from 'node:stream';
import { JAMENDO_GENRES, JAMENDO_INSTRUMENTS, JAMENDO_MOODS } from '../../../src/catalog/jamendo-vocabulary.ts';
import { combinedText, type Track } from '../../../src/catalog/track.ts';
import { embedCatalogTexts } from '../../../src/indexing/build-index.ts';
import type { IndexManifest } from '../../../src/retrieval/artifacts/manifest.ts';
import { writeIndexFolder } from '../../../src/retrieval/artifacts/write-index.ts';
import { buildLexicalStage } from '../../../src/indexing/lexical/build-lexical-stage.ts';
import { recommendedScoring } from '../../../src/indexing/build-index.ts';
import { modelFingerprint } from '../../../src/retrieval/encoders/model-files.ts';
import { startEncoderWorker } from '../../../src/retrieval/encoders/worker/worker-encoders.ts';
import { VectorIndex } from '../../../src/retrieval/vector-index.ts';
import { GENERATED_CLAP_ID, GENERATED_SBERT_ID } from '../../../src/models/generated-ids.ts';
import { loadConfig, type Config } from '../../../src/config.ts';
import { createLogger, type Logger } from '../../../src/logger.ts';
import { startBot, type RunningBot } from '../../../src/discord/start-bot.ts';
import { botCommands } from '../../../src/commands/index.ts';
import { DiscordEmulator, type EmulatorOptions } from '../../discord-emulator/index.ts';
import { mp3, writeTone } from '../../helpers/audio-files.ts';
import { MODELS_DIR, REPO_ROOT } from '../../helpers/paths.ts';

const pick = <T>(list: readonly T[], i: number, n: number): T[] => Array.from({ length: n }, (_, k) => list[(i * 7 + k * 13) % list.length]!);

/**
 * `n` tracks with Jamendo-style ids (so they have track pages), titles, artists and varied tags.
 * The first four are special for previews: a normal licence, a no-derivatives one with a small
 * file, a no-derivatives one with a file over the test upload limit, and one whose file is missing.
 */
export function catalogTracks(n: number, opts: { idBase?: number; titlePrefix?: string } = {}): Track[] {
  const base = opts.idBase ?? 101;
  return Array.from({ length: n }, (_, i) => {
    const mood = pick(JAMENDO_MOODS, i, 2);
    const genre = pick(JAMENDO_GENRES, i + 3, 1 + (i % 2));
    const instrument = pick(JAMENDO_INSTRUMENTS, i + 5, 1 + (i % 3));
    const id = base + i;
    const t: Track = {
      id: `track_${String(id).padStart(7, '0')}`,
      title: `${opts.titlePrefix ?? 'Song'} ${i + 1}`,
      artist: `Artist ${String.fromCharCode(65 + (i % 5))}`,
      tags: { mood, genre, instrument },
      caption: `A ${mood.join(' and ')} ${genre.join(' ')} piece with ${instrument.join(', ')}.`,
      keywords: [],
      durationSec: 95 + i * 7,
      license: 'CC BY 4.0',
    };
    return t;
  });
}

export interface PreviewTracks {
  derived: Track;
  ndSmall: Track;
  ndLarge: Track;
  missing: Track;
}

/** Gives the first four tracks audio files under `audioRoot` and the licences the preview cases need. */
export async function addPreviewAudio(tracks: Track[], audioRoot: string): Promise<PreviewTracks> {
  const [derived, ndSmall, ndLarge, missing] = tracks as [Track, Track, Track, Track];
  Object.assign(derived, { title: 'Sine Garden', artist: 'Test Artist', path: 'a/101.mp3', license: 'CC BY 4.0' });
  Object.assign(ndSmall, { title: 'Untouchable Tone', path: 'a/102.mp3', license: 'CC BY-ND 4.0' });
  Object.assign(ndLarge, { title: 'Heavy Original', path: 'b/103.mp3', license: 'CC BY-NC-ND 3.0' });
  Object.assign(missing, { title: 'Lost File', path: 'a/104.mp3', license: 'CC BY 4.0' });
  await writeTone(path.join(audioRoot, 'a/101.mp3'), { seconds: 3, freq: 440, codecArgs: mp3(128) });
  await writeTone(path.join(audioRoot, 'a/102.mp3'), { seconds: 2, freq: 660, codecArgs: mp3(128) });
  // ~470 KB: over the 256 KiB limit the tests give the emulator.
  await writeTone(path.join(audioRoot, 'b/103.mp3'), { seconds: 20, freq: 330, codecArgs: mp3(192) });
  return { derived, ndSmall, ndLarge, missing };
}

/**
 * An index folder built with the generated models. Two-stage when `audio` is set: the "audio"
 * embeddings are CLAP text embeddings of each track's text (the bot cannot tell, and a prompt
 * equal to a track's text then ranks that track first in both stages).
 */
export async function buildTestIndex(
  dir: string,
  opts: { name: string; tracks: Track[]; audio?: boolean; audioRoot?: string; noAudioRows?: number[]; modelsDir?: string; lexical?: boolean },
): Promise<IndexManifest> {
  const runtime = { modelsDir: opts.modelsDir ?? MODELS_DIR, dtype: 'q8' as const, threads: 1, allowRemote: false };
  const encoders = await startEncoderWorker({
    text: { modelId: GENERATED_SBERT_ID, ...runtime },
    clap: opts.audio ? { modelId: GENERATED_CLAP_ID, ...runtime } : null,
  });
  try {
    const text = await embedCatalogTexts(encoders.text, opts.tracks, { silent: true });
    let audio = null;
    if (opts.audio && encoders.clapText) {
      const embeddings = await encoders.clapText.embed(opts.tracks.map(combinedText));
      const mask = new Uint8Array(opts.tracks.length).fill(1);
      for (const r of opts.noAudioRows ?? []) {
        mask[r] = 0;
        embeddings.data.fill(0, r * embeddings.dim, (r + 1) * embeddings.dim);
      }
      audio = { embeddings, mask, failed: opts.noAudioRows?.length ?? 0, policy: { name: 'test: clap text of combined text' } };
    }
    const fingerprint = async (id: string) => (await modelFingerprint(runtime.modelsDir, id)) ?? undefined;
    return await writeIndexFolder(dir, {
      name: opts.name,
      catalog: { source: `${opts.name}.csv`, sha256: '0'.repeat(64) },
      tracks: opts.tracks,
      models: {
        text: { id: GENERATED_SBERT_ID, dim: encoders.text.dim, dtype: 'q8', fingerprint: await fingerprint(GENERATED_SBERT_ID) },
        clap: audio ? { id: GENERATED_CLAP_ID, dim: audio.embeddings.dim, dtype: 'q8', fingerprint: await fingerprint(GENERATED_CLAP_ID) } : null,
      },
      textEmbeddings: text,
      textIndex: VectorIndex.build(text),
      audio,
      builtBy: 'test/bot fixtures',
      audioRoot: opts.audioRoot ?? null,
      // As `npm run index` builds it: with the lexical stage and its recommended scoring.
      lexical: opts.lexical === false ? null : buildLexicalStage(opts.tracks),
      scoring: recommendedScoring(null, opts.lexical !== false),
    });
  } finally {
    await encoders.dispose();
  }
}

/** Log lines the bot wrote, parsed. */
export class LogCapture extends Writable {
  readonly raw: string[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) this.raw.push(line);
    done();
  }
  get entries(): Record<string, unknown>[] {
    return this.raw.map((l) => JSON.parse(l) as Record<string, unknown>);
  }
  /** Entries at a pino level (40 warn, 50 error) whose msg includes `text`. */
  find(text: string, level?: number): Record<string, unknown>[] {
    return this.entries.filter((e) => String(e.msg ?? '').includes(text) && (level === undefined || e.level === level));
  }
}

/** The environment a bot on this emulator runs with; `extra` adds or overrides. */
export function botEnv(emu: DiscordEmulator, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    DISCORD_TOKEN: emu.token,
    DISCORD_API_URL: emu.apiUrl,
    DISCORD_APPLICATION_ID: emu.applicationId,
    DISCORD_GUILD_ID: emu.guild.id,
    MODELS_DIR,
    ORT_THREADS: '1',
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
    ...extra,
  };
}

export interface TestBot {
  bot: RunningBot;
  config: Config;
  logs: LogCapture;
  logger: Logger;
}

/** The real bot (src/discord/start-bot.ts startBot) in this process, logging into a capture. */
export async function startTestBot(env: NodeJS.ProcessEnv): Promise<TestBot> {
  const config = loadConfig(env, REPO_ROOT);
  const logs = new LogCapture();
  const logger = createLogger({ level: config.logLevel, format: 'json', secrets: [config.discord.token], destination: logs });
  const bot = await startBot(config, logger);
  return { bot, config, logs, logger };
}

/** A bot in this process behind a fresh emulator, its commands registered: what most bot tests start with. */
export interface BotSession {
  emu: DiscordEmulator;
  t: TestBot;
  /** Stops the bot, then the emulator. */
  stop(): Promise<void>;
}

/**
 * Starts an emulator and the bot serving index `index` of `dir`/embeddings (previews in
 * `dir`/previews), then registers the commands in the emulated server.
 */
export async function startBotSession(opts: { dir: string; index: string; emulator?: EmulatorOptions; env?: Record<string, string> }): Promise<BotSession> {
  const emu = await DiscordEmulator.start(opts.emulator ?? {});
  try {
    const t = await startTestBot(
      botEnv(emu, { EMBEDDINGS_DIR: path.join(opts.dir, 'embeddings'), INDEX_NAME: opts.index, PREVIEW_CACHE_DIR: path.join(opts.dir, 'previews'), ...opts.env }),
    );
    registerCommands(emu, t.config.retrieval);
    return {
      emu,
      t,
      async stop() {
        await t.bot.stop();
        await emu.close();
      },
    };
  } catch (err) {
    await emu.close();
    throw err;
  }
}

/**
 * Registers the bot's commands as the deploy script would for this config: in the emulated guild
 * (DISCORD_GUILD_ID), or globally for every server with `global`.
 */
export function registerCommands(emu: DiscordEmulator, retrieval: Pick<Config['retrieval'], 'maxPromptChars'>, options: { global?: boolean } = {}): void {
  emu.setCommands(botCommands(retrieval).map((c) => c.data.toJSON() as unknown as Record<string, unknown>), { guild: !options.global });
}
