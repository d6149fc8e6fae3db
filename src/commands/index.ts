import type { Config } from '../config.ts';
import type { Command } from './command.ts';
import { recommendCommand } from './recommend.ts';
import { reload } from './reload.ts';
import { similar } from './similar.ts';
import { voice } from './voice.ts';

/** Every slash command the bot serves and deploys; definitions follow the settings (the prompt's length limit). */
export function botCommands(settings: Pick<Config['retrieval'], 'maxPromptChars'>): readonly Command[] {
  return [recommendCommand(settings), similar, voice, reload];
}

export function commandsByName(list: readonly Command[]): Map<string, Command> {
  return new Map(list.map((c) => [c.data.name, c]));
}
