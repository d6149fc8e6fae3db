import path from 'node:path';
import { z } from 'zod';
import { UserError } from './errors.ts';
import { isModelId, MODEL_ID_RULE } from './models/model-id.ts';
import { INDEX_NAME_RULE, isIndexName } from './retrieval/index-names.ts';
import type { FfmpegTools } from './audio/ffmpeg-process.ts';
import type { EncoderOptions } from './retrieval/encoders/types.ts';
import { DEFAULT_MAX_PROMPT_CHARS } from './retrieval/prompt.ts';
import { definedOnly } from './util/defined-only.ts';
import { refuseDiscordJsShardVariables, shardPlan, type ShardPlan } from './shard-plan.ts';
import { FIRST_STAGES, type FirstStageScoring, FUSIONS } from './retrieval/scoring.ts';

/** Real models used by index builds unless told otherwise (`npm run models:download` fetches them). */
export const DEFAULT_SBERT_MODEL = 'Xenova/all-MiniLM-L6-v2';
export const DEFAULT_CLAP_MODEL = 'Xenova/larger_clap_music_and_speech';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no', ''])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

const modelId = z.string().refine(isModelId, `must be ${MODEL_ID_RULE}`);

const snowflake = z.string().regex(/^\d{5,25}$/, 'must be a Discord snowflake (digits)');

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const opt = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, value: z.input<T>) => z.preprocess(blankToUndefined, schema.prefault(value as never));

/**
 * Every environment variable, in one place. `.env.example` lists the same names with comments;
 * a test keeps the two in step.
 */
const envSchema = z.object({
  DISCORD_TOKEN: opt(z.string()),
  DISCORD_APPLICATION_ID: opt(snowflake),
  DISCORD_GUILD_ID: opt(snowflake),
  DISCORD_ADMIN_GUILD_ID: opt(snowflake),
  DISCORD_API_URL: withDefault(z.url(), 'https://discord.com/api'),
  BOT_ADMIN_IDS: withDefault(z.string(), ''),
  DISCORD_SHARD_COUNT: withDefault(z.union([z.literal('auto'), int(1, 100_000)], { error: 'must be auto or a whole number of shards (1 or more)' }), 'auto'),
  DISCORD_SHARD_IDS: opt(z.string()),

  MODELS_DIR: withDefault(z.string(), 'models'),
  EMBEDDINGS_DIR: withDefault(z.string(), 'embeddings'),
  INDEX_NAME: withDefault(z.string().refine(isIndexName, `must be ${INDEX_NAME_RULE}`), 'default'),
  SBERT_MODEL: withDefault(modelId, DEFAULT_SBERT_MODEL),
  CLAP_MODEL: withDefault(modelId, DEFAULT_CLAP_MODEL),
  MODEL_DTYPE: withDefault(z.enum(['q8', 'fp32']), 'q8'),
  ORT_THREADS: withDefault(int(0, 64), 0),
  ORT_SPIN_WAIT: withDefault(bool, 'false'),
  ALLOW_REMOTE_MODELS: withDefault(bool, 'false'),

  CANDIDATES: withDefault(int(1, 10_000), 300),
  TEXT_WEIGHT: opt(z.coerce.number().min(0).max(1)),
  FIRST_STAGE: opt(z.enum(FIRST_STAGES)),
  QUERY_UNDERSTANDING: opt(bool),
  FUSION: opt(z.enum(FUSIONS)),
  LEXICAL_WEIGHT: opt(z.coerce.number().min(0).max(1)),
  TAG_BOOST: opt(z.coerce.number().min(0).max(10)),
  SIMILAR_AUDIO_WEIGHT: withDefault(z.coerce.number().min(0).max(1), 0.7),
  SIMILAR_PER_ARTIST: withDefault(int(1, 50), 2),
  MAX_PROMPT_CHARS: withDefault(int(10, 4000), DEFAULT_MAX_PROMPT_CHARS),

  KEYV_URL: opt(z.string()),
  CACHE_TTL_SECONDS: withDefault(int(1, 30 * 24 * 3600), 3600),
  CACHE_MAX_ENTRIES: withDefault(int(1, 1_000_000), 1000),
  CACHE_TIMEOUT_MS: withDefault(int(10, 60_000), 250),

  AUDIO_ROOT: opt(z.string()),
  PREVIEW_CACHE_DIR: withDefault(z.string(), '.cache/previews'),
  PREVIEW_CACHE_MAX_MB: withDefault(int(1, 1_000_000), 512),
  PREVIEW_SECONDS: withDefault(int(5, 120), 30),
  FFMPEG_PATH: withDefault(z.string(), 'ffmpeg'),
  FFPROBE_PATH: withDefault(z.string(), 'ffprobe'),

  RESULT_PAGES: withDefault(int(1, 10), 5),
  VOICE_IDLE_SECONDS: withDefault(int(1, 24 * 3600), 120),

  LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), 'info'),
  LOG_FORMAT: withDefault(z.enum(['auto', 'json', 'pretty']), 'auto'),
  NODE_ENV: withDefault(z.string(), 'development'),
});

export type Env = z.infer<typeof envSchema>;
export const ENV_VARIABLES = Object.keys(envSchema.shape) as (keyof Env)[];

export interface Config {
  discord: {
    token: string | undefined;
    applicationId: string | undefined;
    guildId: string | undefined;
    /** Operator commands (/reload) are registered in this server only, when set. */
    adminGuildId: string | undefined;
    apiUrl: string;
    adminIds: string[];
    /** The gateway shards this process runs (DISCORD_SHARD_COUNT, DISCORD_SHARD_IDS). */
    shards: ShardPlan;
  };
  models: {
    dir: string;
    sbert: string;
    clap: string;
    dtype: 'q8' | 'fp32';
    threads: number;
    /** ONNX Runtime's idle threads spin instead of sleeping (off: see sessionOptions). */
    spinWait: boolean;
    allowRemote: boolean;
  };
  index: { embeddingsDir: string; name: string; dir: string };
  /**
   * textWeight undefined: the served index's recommendation, else 0 (CLAP only). firstStage: only
   * what the environment sets; the rest comes from the index, then the defaults (retrieval/scoring.ts).
   */
  retrieval: {
    candidates: number;
    textWeight: number | undefined;
    maxPromptChars: number;
    firstStage: Partial<FirstStageScoring>;
    /** "More like this": the audio cosine's weight against the text cosine, and tracks per artist per page. */
    similar: { audioWeight: number; perArtist: number };
  };
  cache: { url: string | undefined; ttlMs: number; maxEntries: number; timeoutMs: number };
  /**
   * previewCacheMaxBytes: the preview cache's size limit (least recently used clips go first).
   * tools: the ffmpeg and ffprobe every decode, preview clip and demo encode runs.
   */
  audio: { root: string | undefined; previewCacheDir: string; previewCacheMaxBytes: number; previewSeconds: number; tools: Required<Pick<FfmpegTools, 'ffmpegPath' | 'ffprobePath'>> };
  /** Result pages the bot keeps per /recommend (pages × count results, at most 50). */
  bot: { pages: number };
  /** Voice playback: how long the bot stays in a voice channel with nothing playing, or with nobody but bots. */
  voice: { idleMs: number };
  logLevel: Env['LOG_LEVEL'];
  /** `auto`: pretty in a terminal outside production, JSON lines otherwise. */
  logFormat: Env['LOG_FORMAT'];
  nodeEnv: string;
}

/** How models load (folder, dtype, threads, hub access), whatever index needs them. */
export function modelRuntime(config: Pick<Config, 'models'>): Pick<EncoderOptions, 'modelsDir' | 'dtype' | 'threads' | 'spinWait' | 'allowRemote'> {
  const m = config.models;
  return { modelsDir: m.dir, dtype: m.dtype, threads: m.threads, spinWait: m.spinWait, allowRemote: m.allowRemote };
}

/**
 * Whether a command's unexpected error should show its stack: LOG_LEVEL debug or trace, read by
 * the config's own rule. Only this variable, so it answers when the rest of the configuration
 * is invalid (or was never loaded); an invalid LOG_LEVEL counts as no.
 */
export function wantsStackTraces(env: NodeJS.ProcessEnv = process.env): boolean {
  const level = envSchema.shape.LOG_LEVEL.safeParse(env.LOG_LEVEL);
  return level.success && (level.data === 'debug' || level.data === 'trace');
}

/** Parses the environment once; every problem is listed in one UserError. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new UserError(`Invalid configuration: ${problems.join('; ')}.`, 'See .env.example for every variable and its format.');
  }
  const e = parsed.data;
  refuseDiscordJsShardVariables(env);
  const abs = (p: string) => path.resolve(cwd, p);
  const adminIds = e.BOT_ADMIN_IDS.split(/[\s,]+/).filter(Boolean);
  const badAdmin = adminIds.find((id) => !/^\d{5,25}$/.test(id));
  if (badAdmin) throw new UserError(`Invalid configuration: BOT_ADMIN_IDS has "${badAdmin}", not a Discord user id.`, 'List user ids separated by commas.');
  const embeddingsDir = abs(e.EMBEDDINGS_DIR);
  return {
    discord: {
      token: e.DISCORD_TOKEN,
      applicationId: e.DISCORD_APPLICATION_ID,
      guildId: e.DISCORD_GUILD_ID,
      adminGuildId: e.DISCORD_ADMIN_GUILD_ID,
      apiUrl: e.DISCORD_API_URL.replace(/\/+$/, ''),
      adminIds,
      shards: shardPlan(e.DISCORD_SHARD_COUNT, e.DISCORD_SHARD_IDS),
    },
    models: {
      dir: abs(e.MODELS_DIR),
      sbert: e.SBERT_MODEL,
      clap: e.CLAP_MODEL,
      dtype: e.MODEL_DTYPE,
      threads: e.ORT_THREADS,
      spinWait: e.ORT_SPIN_WAIT,
      allowRemote: e.ALLOW_REMOTE_MODELS,
    },
    index: { embeddingsDir, name: e.INDEX_NAME, dir: path.join(embeddingsDir, e.INDEX_NAME) },
    retrieval: {
      candidates: e.CANDIDATES,
      textWeight: e.TEXT_WEIGHT,
      maxPromptChars: e.MAX_PROMPT_CHARS,
      firstStage: definedOnly({
        kind: e.FIRST_STAGE,
        understanding: e.QUERY_UNDERSTANDING,
        fusion: e.FUSION,
        lexicalWeight: e.LEXICAL_WEIGHT,
        tagBoost: e.TAG_BOOST,
      }),
      similar: { audioWeight: e.SIMILAR_AUDIO_WEIGHT, perArtist: e.SIMILAR_PER_ARTIST },
    },
    cache: { url: e.KEYV_URL, ttlMs: e.CACHE_TTL_SECONDS * 1000, maxEntries: e.CACHE_MAX_ENTRIES, timeoutMs: e.CACHE_TIMEOUT_MS },
    audio: {
      root: e.AUDIO_ROOT ? abs(e.AUDIO_ROOT) : undefined,
      previewCacheDir: abs(e.PREVIEW_CACHE_DIR),
      previewCacheMaxBytes: e.PREVIEW_CACHE_MAX_MB * 1024 * 1024,
      previewSeconds: e.PREVIEW_SECONDS,
      tools: { ffmpegPath: e.FFMPEG_PATH, ffprobePath: e.FFPROBE_PATH },
    },
    bot: { pages: e.RESULT_PAGES },
    voice: { idleMs: e.VOICE_IDLE_SECONDS * 1000 },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    nodeEnv: e.NODE_ENV,
  };
}
