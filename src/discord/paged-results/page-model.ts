import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent, type APIEmbed, type APIStringSelectComponent } from 'discord.js';
import { moreLikeThisRow } from './more-like-this-menu.ts';
import { playInVoiceButton } from '../voice/voice-buttons.ts';
import { renderPageEmbed } from '../result-embed.ts';
import { clampPage, pageCount, type ResultView } from '../../app/result-view.ts';

/**
 * The pure page model of a results message: its state, the turns, the ◀️ i/n ▶️ 💾 controls and
 * what the message shows for a state. Result pages of one /recommend message: who may turn them, which page shows, and the results.
 * Kept in the cache under the message id, so paging and Save outlive a bot restart until the
 * entry expires; a small local map also keeps it while the shared cache is down.
 */
export interface PageState {
  v: 1;
  requesterId: string;
  page: number;
  view: ResultView;
  /** The bot could remove other people's reactions (Manage Messages) when the message was made. */
  manageMessages: boolean;
}

export type Turn = 'prev' | 'next';

export const PAGE_BUTTON_PREFIX = 'rec:page:';
export const PAGE_BUTTONS = { prev: `${PAGE_BUTTON_PREFIX}prev`, at: `${PAGE_BUTTON_PREFIX}at`, next: `${PAGE_BUTTON_PREFIX}next` } as const;
export const PAGE_EMOJI = { prev: '◀️', next: '▶️' } as const;

/** The page after a turn, or null when there is no page that way. Pure. */
export function turnPage(state: PageState, turn: Turn): PageState | null {
  const current = clampPage(state.view, state.page);
  const next = current + (turn === 'next' ? 1 : -1);
  if (next < 0 || next >= pageCount(state.view)) return null;
  return { ...state, page: next };
}

/** ◀️/▶️ (with or without the emoji variation selector) → a turn; anything else → null. */
export function turnOfEmoji(name: string | null | undefined): Turn | null {
  const bare = (name ?? '').replace(/\uFE0F/g, '');
  if (bare === PAGE_EMOJI.prev.replace(/\uFE0F/g, '')) return 'prev';
  if (bare === PAGE_EMOJI.next.replace(/\uFE0F/g, '')) return 'next';
  return null;
}

export function turnOfButton(customId: string): Turn | null {
  if (customId === PAGE_BUTTONS.prev) return 'prev';
  if (customId === PAGE_BUTTONS.next) return 'next';
  return null;
}

/** The Save button's id: anyone may press it for a private copy of the whole list (save-button.ts). */
export const SAVE_BUTTON_ID = 'rec:save';

/**
 * The results message's rows: one button row, ◀️ i/n ▶️ (ends disabled) then 💾 Save and ▶ Play
 * in voice with several pages, just Save and Play with one, nothing when no track matched (five
 * buttons at most: Discord's limit for a row). An array of rows, so further rows (e.g. a select
 * menu) add to it. Pure.
 */
export function pageComponents(view: ResultView, page: number): APIActionRowComponent<APIButtonComponent>[] {
  if (!view.entries.length) return [];
  const pages = pageCount(view);
  const p = clampPage(view, page);
  const button = (custom_id: string, label: string | undefined, emoji: string | undefined, disabled: boolean): APIButtonComponent => ({
    type: ComponentType.Button,
    style: ButtonStyle.Secondary,
    custom_id,
    ...(label ? { label } : {}),
    ...(emoji ? { emoji: { name: emoji } } : {}),
    disabled,
  });
  const paging =
    pages > 1
      ? [
          button(PAGE_BUTTONS.prev, undefined, PAGE_EMOJI.prev, p === 0),
          button(PAGE_BUTTONS.at, `${p + 1} / ${pages}`, undefined, true),
          button(PAGE_BUTTONS.next, undefined, PAGE_EMOJI.next, p === pages - 1),
        ]
      : [];
  return [{ type: ComponentType.ActionRow, components: [...paging, button(SAVE_BUTTON_ID, 'Save', '💾', false), playInVoiceButton()] }];
}

/** What a results message shows for its state: the page's embed, the page buttons and the "More like this" menu. Pure. */
export function pageMessage(state: Pick<PageState, 'view' | 'page'>): {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIButtonComponent | APIStringSelectComponent>[];
} {
  return {
    embeds: [renderPageEmbed(state.view, state.page)],
    components: [...pageComponents(state.view, state.page), ...moreLikeThisRow(state.view, state.page)],
  };
}
