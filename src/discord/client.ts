import { Client, GatewayIntentBits, Partials, type ClientOptions } from 'discord.js';
import type { Config } from '../config.ts';
import { shardClientOptions } from './shards.ts';

/**
 * Gateway intents: guilds (slash commands need no more), message reactions in servers and DMs for
 * reaction paging, and voice states (who is in which voice channel; a voice connection needs them).
 * No privileged intents.
 */
export const BOT_INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessageReactions,
  GatewayIntentBits.DirectMessageReactions,
  GatewayIntentBits.GuildVoiceStates,
];

/** Reactions arrive on messages the bot may not have cached (e.g. after a restart): accept partials. */
export const BOT_PARTIALS = [Partials.Message, Partials.Channel, Partials.Reaction, Partials.User];

export function clientOptions(config: Pick<Config, 'discord'>): ClientOptions {
  return {
    intents: BOT_INTENTS,
    partials: BOT_PARTIALS,
    // Nothing the bot says pings anyone, whatever a prompt or catalog contains.
    allowedMentions: { parse: [] },
    rest: { api: config.discord.apiUrl },
    ...shardClientOptions(config.discord.shards),
  };
}

export function createClient(config: Pick<Config, 'discord'>): Client {
  return new Client(clientOptions(config));
}
