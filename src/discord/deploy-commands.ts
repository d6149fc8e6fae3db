import { DiscordAPIError, HTTPError, REST, Routes, type RESTPutAPIApplicationCommandsResult } from 'discord.js';
import { botCommands } from '../commands/index.ts';
import type { Command } from '../commands/command.ts';
import type { Config } from '../config.ts';
import { UserError } from '../errors.ts';

/** One bulk overwrite: globally (no guildId) or in one server. */
export interface Registration {
  guildId?: string;
  commands: readonly Command[];
}

export interface DeployReport {
  /** What each bulk overwrite registered, in order. */
  registrations: { scope: 'guild' | 'global'; guildId?: string; names: string[] }[];
}

/**
 * Where each command goes. Everything in DISCORD_GUILD_ID when set (instant, for development),
 * else globally; with DISCORD_ADMIN_GUILD_ID, operator commands go to that server alone, so no
 * other server even sees them (and a global overwrite removes them elsewhere).
 */
export function registrations(discord: Pick<Config['discord'], 'guildId' | 'adminGuildId'>, list: readonly Command[]): Registration[] {
  const where = (guildId: string | undefined) => (guildId ? { guildId } : {});
  const { guildId, adminGuildId } = discord;
  if (!adminGuildId || adminGuildId === guildId) return [{ ...where(guildId), commands: list }];
  return [
    { ...where(guildId), commands: list.filter((c) => !c.operatorOnly) },
    { guildId: adminGuildId, commands: list.filter((c) => c.operatorOnly) },
  ];
}

/** Registers the slash commands with one bulk overwrite per place (see `registrations`). */
export async function deployCommands(
  config: { discord: Pick<Config['discord'], 'token' | 'applicationId' | 'apiUrl' | 'guildId' | 'adminGuildId'>; retrieval: Config['retrieval'] },
  list: readonly Command[] = botCommands(config.retrieval),
): Promise<DeployReport> {
  const { token, applicationId, apiUrl } = config.discord;
  const missing = [!token && 'DISCORD_TOKEN', !applicationId && 'DISCORD_APPLICATION_ID'].filter(Boolean);
  if (missing.length) {
    throw new UserError(
      `Cannot deploy commands: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set.`,
      'Copy them from the Discord developer portal (your application → Bot / General Information) into .env; see .env.example.',
    );
  }
  const rest = new REST({ api: apiUrl }).setToken(token!);
  const report: DeployReport = { registrations: [] };
  for (const { guildId, commands } of registrations(config.discord, list)) {
    const route = guildId ? Routes.applicationGuildCommands(applicationId!, guildId) : Routes.applicationCommands(applicationId!);
    let saved: RESTPutAPIApplicationCommandsResult;
    try {
      saved = (await rest.put(route, { body: commands.map((c) => c.data.toJSON()) })) as RESTPutAPIApplicationCommandsResult;
    } catch (err) {
      throw explainRestError(err);
    }
    report.registrations.push({ scope: guildId ? 'guild' : 'global', ...(guildId ? { guildId } : {}), names: saved.map((c) => c.name) });
  }
  return report;
}

/** The report as one line for the terminal. */
export function deploySummary(report: DeployReport): string {
  const parts = report.registrations.map((r) => {
    const where = r.scope === 'guild' ? `in server ${r.guildId}` : 'globally (may take up to an hour to appear)';
    return `${r.names.length ? r.names.map((n) => `/${n}`).join(', ') : 'no commands'} ${where}`;
  });
  return `Deployed ${parts.join('; ')}.`;
}

/** Discord's refusals as what to fix; anything else stays unexpected. */
export function explainRestError(err: unknown): unknown {
  if (!(err instanceof DiscordAPIError || err instanceof HTTPError)) return err;
  if (err.status === 401) {
    return new UserError('Discord refused DISCORD_TOKEN (401 Unauthorized).', 'Reset the token in the developer portal (Bot → Reset Token) and update .env.');
  }
  if (err.status === 403 || err.status === 404) {
    return new UserError(
      `Discord refused the command registration (${err.status}: ${err.message}).`,
      'Check DISCORD_APPLICATION_ID, and that the bot was invited to the servers in DISCORD_GUILD_ID and DISCORD_ADMIN_GUILD_ID with the applications.commands scope.',
    );
  }
  return err;
}
