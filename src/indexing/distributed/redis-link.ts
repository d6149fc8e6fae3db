import { createClient, RESP_TYPES } from '@redis/client';
import { UserError } from '../../errors.ts';

/**
 * Connections to the Redis that coordinates a distributed build. BullMQ 6 drives node-redis
 * clients given to it (its default, ioredis, is an optional package this project does not
 * install), and chunk results are read and written as binary strings on a client of our own.
 */

const newClient = (url: string, reconnectStrategy: (retries: number, cause: Error) => number | Error) => createClient({ url, socket: { reconnectStrategy } });
type Client = ReturnType<typeof newClient>;

export interface RedisLink {
  readonly url: string;
  /** A new connected client for a BullMQ Queue or Worker (BullMQ duplicates it for blocking reads). */
  client(): Promise<Client>;
  setBuffer(key: string, value: Buffer, ttlSeconds: number): Promise<void>;
  getBuffer(key: string): Promise<Buffer | null>;
  del(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

export function checkRedisUrl(url: string): string {
  if (!/^rediss?:\/\/[^\s]+$/.test(url)) throw new UserError(`--queue must be a Redis URL like redis://host:6379 (got "${url}").`);
  return url;
}

/** Connects, failing within a few seconds when nothing answers; once up, reconnects after drops. */
export async function openRedisLink(url: string, onError: (err: Error) => void = () => {}): Promise<RedisLink> {
  checkRedisUrl(url);
  const clients: Client[] = [];
  const connect = async (): Promise<Client> => {
    let connected = false;
    // Before the first connection: a few quick tries, then a clear error. After: keep trying.
    const c = newClient(url, (retries, cause) => (connected ? Math.min(100 * 2 ** retries, 5000) : retries >= 4 ? cause : 200 * (retries + 1)));
    c.on('error', (err: Error) => connected && onError(err));
    try {
      await c.connect();
    } catch (err) {
      throw new UserError(`Cannot reach Redis at ${url}: ${(err as Error).message}.`, 'Start redis-server there, or pass the right --queue URL.');
    }
    connected = true;
    clients.push(c);
    return c;
  };
  const main = await connect();
  const binary = main.withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer });
  return {
    url,
    client: connect,
    async setBuffer(key, value, ttlSeconds) {
      await main.set(key, value, { expiration: { type: 'EX', value: ttlSeconds } });
    },
    async getBuffer(key) {
      return (await binary.get(key)) ?? null;
    },
    async del(keys) {
      if (keys.length > 0) await main.del([...keys]);
    },
    async close() {
      await Promise.all(clients.splice(0).map((c) => (c.isOpen ? c.close().catch(() => c.destroy()) : undefined)));
    },
  };
}
