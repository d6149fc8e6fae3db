import { MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import type { Config } from '../config.ts';
import { hideBotPaths } from '../app/host-paths.ts';
import { errorRef } from '../app/present-error.ts';
import { escapeText } from '../discord/result-embed.ts';
import { UserError, isUserError } from '../errors.ts';
import type { EncoderHealth } from '../retrieval/encoders/encoder-set.ts';
import { indexNames, resolveIndexName } from '../retrieval/index-names.ts';
import type { ReloadReport } from '../retrieval/recommender-service.ts';
import type { Command } from './command.ts';

const data = new SlashCommandBuilder()
  .setName('reload')
  .setDescription('Reload the music index, or switch to another one (bot operators)')
  .setDefaultMemberPermissions(PermissionFlagsBits.Administrator)
  .addStringOption((o) =>
    o.setName('index').setDescription('Name of an index folder in EMBEDDINGS_DIR (default: the serving one)').setAutocomplete(true).setMaxLength(100),
  );

/** The folder to load: the named one (a name, never a path), else the serving one. */
export async function reloadTarget(name: string | null, config: Config, servingDir: string): Promise<string> {
  return name?.trim() ? resolveIndexName(config.index.embeddingsDir, name.trim()) : servingDir;
}

/** The operator's confirmation, and why queries wait if the models are restarting after a crash. Pure. */
export function reloadSummary(report: ReloadReport, models: EncoderHealth = { state: 'up' }): string {
  const s = report.status;
  const reloaded = report.modelsReloaded ? ', models reloaded' : '';
  const summary = `✅ Now serving **${escapeText(s.name)}** (version ${s.version}): ${s.tracks} tracks, ${s.mode}, first stage ${s.firstStage}, loaded in ${report.loadMs} ms${reloaded}. Cached results were cleared.`;
  if (models.state !== 'restarting') return summary;
  return `${summary}\n⏳ The music models are restarting after a crash (${models.cause}; restart ${models.restarts}): queries wait for them.`;
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
      // The old index never stopped serving. Problems with the index are said as they are; an
      // unexpected error gets a reference to its log line, like everywhere else.
      const still = `Reload failed; still serving **${escapeText(before.name)}**.`;
      if (isUserError(err)) throw new UserError(`${still} ${err.message}`, err.hint);
      const ref = errorRef();
      ctx.logger.error({ err, dir, ref }, `reload failed (ref ${ref})`);
      throw new UserError(`${still} Something unexpected went wrong (ref ${ref}).`, 'The bot\'s log has the details.');
    }
    // Keys carry the index version, so old entries would only miss; drop them to free the cache.
    await ctx.results.clear();
    // The new catalog's finder, before anyone types in /similar's track option (3 s to answer).
    ctx.trackFinder();
    ctx.logger.info({ index: report.status.name, version: report.status.version, tracks: report.status.tracks, mode: report.status.mode, loadMs: report.loadMs, by: interaction.user.id }, 'index reloaded');
    // A restart's cause may name model files: no host paths on Discord.
    await interaction.editReply(hideBotPaths(ctx, reloadSummary(report, ctx.recommender.engine().encoders.health?.())));
  },
  async autocomplete(interaction, ctx) {
    const typed = interaction.options.getFocused().toLowerCase();
    const names = await indexNames(ctx.config.index.embeddingsDir);
    await interaction.respond(names.filter((n) => n.toLowerCase().includes(typed)).slice(0, 25).map((n) => ({ name: n, value: n })));
  },
} satisfies Command;
