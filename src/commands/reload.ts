import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { resolveIndexDir } from '../cli/resolve-index.ts';
import type { Config } from '../config.ts';
import { UserError, isUserError } from '../errors.ts';
import { INDEX_FILES } from '../retrieval/artifacts/manifest.ts';
import type { ReloadReport } from '../retrieval/recommender-service.ts';
import type { Command } from './command.ts';

const data = new SlashCommandBuilder()
  .setName('reload')
  .setDescription('Reload the music index, or switch to another one (bot operators)')
  .setDefaultMemberPermissions(PermissionFlagsBits.Administrator)
  .addStringOption((o) =>
    o.setName('index').setDescription('Index folder name under EMBEDDINGS_DIR, or a path (default: the serving one)').setAutocomplete(true),
  );

/** Index folders (with a manifest) under EMBEDDINGS_DIR. */
export async function indexNames(embeddingsDir: string): Promise<string[]> {
  try {
    const entries = await readdir(embeddingsDir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && existsSync(path.join(embeddingsDir, e.name, INDEX_FILES.manifest)))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** The folder to load: the named or given one, else the serving one; a UserError when it does not exist. */
export async function reloadTarget(arg: string | null, config: Config, servingDir: string): Promise<string> {
  if (!arg?.trim()) return servingDir;
  const dir = resolveIndexDir(arg.trim(), config);
  if (!existsSync(dir)) {
    const names = await indexNames(config.index.embeddingsDir);
    throw new UserError(
      `No index folder at ${dir}.`,
      names.length ? `Indexes under ${config.index.embeddingsDir}: ${names.join(', ')}.` : 'Build one with `npm run index`.',
    );
  }
  return dir;
}

/** The admin's confirmation. Pure. */
export function reloadSummary(report: ReloadReport): string {
  const s = report.status;
  const models = report.modelsReloaded ? ', models reloaded' : '';
  return `✅ Now serving **${s.name}** (version ${s.version}): ${s.tracks} tracks, ${s.mode}, loaded in ${report.loadMs} ms${models}. Cached results were cleared.`;
}

export const reload = {
  data,
  operatorOnly: true,
  async execute(interaction, ctx) {
    await interaction.deferReply({ flags: MessageFlags.Ephemeral });
    const before = ctx.recommender.status();
    const dir = await reloadTarget(interaction.options.getString('index'), ctx.config, before.dir);
    let report: ReloadReport;
    try {
      report = await ctx.recommender.reload(dir);
    } catch (err) {
      // Admins see the exact reason; the old index never stopped serving.
      if (!isUserError(err)) ctx.logger.error({ err, dir }, 'reload failed');
      const reason = err instanceof Error ? err.message : String(err);
      throw new UserError(`Reload failed; still serving **${before.name}**. ${reason}`, isUserError(err) ? err.hint : undefined);
    }
    // Keys carry the index version, so old entries would only miss; drop them to free the cache.
    await ctx.results.clear();
    ctx.logger.info({ index: report.status.name, version: report.status.version, tracks: report.status.tracks, mode: report.status.mode, loadMs: report.loadMs, by: interaction.user.id }, 'index reloaded');
    await interaction.editReply(reloadSummary(report));
  },
  async autocomplete(interaction, ctx) {
    const typed = interaction.options.getFocused().toLowerCase();
    const names = await indexNames(ctx.config.index.embeddingsDir);
    await interaction.respond(names.filter((n) => n.toLowerCase().includes(typed)).slice(0, 25).map((n) => ({ name: n, value: n })));
  },
} satisfies Command;
