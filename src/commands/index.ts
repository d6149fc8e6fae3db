import type { Command } from './command.ts';
import { recommend } from './recommend.ts';
import { reload } from './reload.ts';

/** Every slash command the bot serves and deploys. */
export const commands: readonly Command[] = [recommend, reload];

export function commandsByName(list: readonly Command[] = commands): Map<string, Command> {
  return new Map(list.map((c) => [c.data.name, c]));
}
