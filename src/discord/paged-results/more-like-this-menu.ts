import { ComponentType, type APIActionRowComponent, type APIStringSelectComponent } from 'discord.js';
import { entryLabel, pageEntries, type ResultView, type TrackEntry } from '../../app/result-view.ts';
import { stripInvisible } from '../../util/invisible-chars.ts';
import { truncate } from '../embed-limits.ts';

export const MORE_LIKE_THIS_ID = 'rec:more';
/** Discord's limit on a select option's label, value and description. */
const OPTION_CHARS = 100;

function optionDescription(e: TrackEntry): string | undefined {
  const tags = [...e.genre, ...e.mood, ...e.instrument].slice(0, 6).join(', ');
  return tags ? truncate(stripInvisible(tags), OPTION_CHARS) : undefined;
}

/**
 * "More like this…": a select menu listing the page's tracks (value: the track id); choosing one
 * answers with /similar for it. None for an empty page. Pure.
 */
export function moreLikeThisRow(view: ResultView, page: number): APIActionRowComponent<APIStringSelectComponent>[] {
  // An id longer than a value may hold cannot be offered (catalog ids are far shorter).
  const entries = pageEntries(view, page).filter((e) => e.trackId.length <= OPTION_CHARS);
  if (entries.length === 0) return [];
  const options = entries.map((e) => {
    const description = optionDescription(e);
    return {
      label: truncate(`${e.rank}. ${stripInvisible(entryLabel(e))}`, OPTION_CHARS),
      value: e.trackId,
      ...(description ? { description } : {}),
    };
  });
  return [
    {
      type: ComponentType.ActionRow,
      components: [{ type: ComponentType.StringSelect, custom_id: MORE_LIKE_THIS_ID, placeholder: 'More like this…', options, min_values: 1, max_values: 1 }],
    },
  ];
}
