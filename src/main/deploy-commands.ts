/** `npm run deploy-commands`: registers the slash commands with Discord (see discord/deploy-commands.ts). */
import dotenv from 'dotenv';
import { runCommand } from '../cli/run-command.ts';
import { loadConfig } from '../config.ts';
import { deployCommands, deploySummary } from '../discord/deploy-commands.ts';

dotenv.config({ quiet: true });
process.exitCode = await runCommand('deploy-commands', async () => {
  console.log(deploySummary(await deployCommands(loadConfig())));
});
