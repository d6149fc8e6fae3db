import { createRequire } from 'node:module';
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

export interface LoggerSettings {
  level: LoggerOptions['level'];
  format: 'auto' | 'json' | 'pretty';
  nodeEnv?: string;
  /** Strings never written to a log line (the bot token), replaced wherever they appear. */
  secrets?: readonly (string | undefined)[];
  /** Where lines go (default stdout); tests pass a stream they read. */
  destination?: DestinationStream;
}

const CENSOR = '[Redacted]';

/** Field paths that hold credentials in objects we (or libraries) might log. */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'DISCORD_TOKEN',
  '*.DISCORD_TOKEN',
  'config.discord.token',
  'discord.token',
  'authorization',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'err.requestBody',
];

/**
 * Interaction and webhook tokens sit in REST URLs (`/interactions/:id/:token/callback`,
 * `/webhooks/:app/:token/...`), and discord.js errors carry those URLs.
 */
export function scrubUrlTokens(text: string): string {
  return text
    .replace(/(\/interactions\/\d+\/)[^/\s?"]+/g, '$1:token')
    .replace(/(\/webhooks\/\d+\/)[^/\s?"]+/g, '$1:token');
}

function scrubSecrets(line: string, secrets: readonly string[]): string {
  let out = scrubUrlTokens(line);
  for (const s of secrets) if (out.includes(s)) out = out.split(s).join(CENSOR);
  return out;
}

/** pino-pretty is a dev dependency: absent in a production install, where JSON is right anyway. */
function prettyStream(): DestinationStream | undefined {
  try {
    const require = createRequire(import.meta.url);
    const pretty = require('pino-pretty') as (opts: Record<string, unknown>) => DestinationStream;
    return pretty({ colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', sync: true });
  } catch {
    return undefined;
  }
}

/**
 * The process logger: JSON lines, or pino-pretty in a terminal during development. Credentials
 * are redacted by path, and as a last guard every line is scrubbed of the configured secrets
 * and of interaction tokens in URLs before it is written.
 */
export function createLogger(settings: LoggerSettings): Logger {
  const secrets = (settings.secrets ?? []).filter((s): s is string => typeof s === 'string' && s.length >= 8);
  const wantPretty =
    settings.format === 'pretty' ||
    (settings.format === 'auto' && process.stdout.isTTY === true && settings.nodeEnv !== 'production');
  const destination = settings.destination ?? (wantPretty ? prettyStream() : undefined);
  const options: LoggerOptions = {
    level: settings.level ?? 'info',
    base: { pid: process.pid },
    redact: { paths: REDACT_PATHS, censor: CENSOR },
    serializers: { err: pino.stdSerializers.err },
    hooks: { streamWrite: (s) => scrubSecrets(s, secrets) },
  };
  return destination ? pino(options, destination) : pino(options);
}
