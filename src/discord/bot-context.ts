import { type AppServices, closeAppServices, openAppServices } from '../app/services.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { Operators } from './operators.ts';
import type { PageState } from './paged-results/page-model.ts';
import { PageStore } from './paged-results/page-store.ts';

/** What the bot's commands and components use: the application's services, result pages, operators. */
export interface BotContext extends AppServices {
  pages: PageStore;
  /** Who may run operator commands (BOT_ADMIN_IDS now; the application's owner once the bot has logged in). */
  operators: Operators;
}

/** Where page states live in the cache (any process on the same Redis turns any page). */
export const PAGES_NAMESPACE = 'cratedigger:pages';

export async function createBotContext(config: Config, logger: Logger): Promise<BotContext> {
  const services = await openAppServices(config, logger);
  return {
    ...services,
    pages: new PageStore(services.cache.namespace<PageState>(PAGES_NAMESPACE), config.cache.ttlMs),
    operators: new Operators(config.discord.adminIds),
  };
}

export const closeBotContext: (ctx: BotContext) => Promise<void> = closeAppServices;
