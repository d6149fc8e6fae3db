/** Pure page model: embeds within Discord's limits on extreme inputs, pages, buttons, text, small helpers. */
import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { botCommands } from '../../src/commands/index.ts';
import { reloadSummary } from '../../src/commands/reload.ts';
import { EMBED_LIMITS, embedLength, fairCaps, fitEmbed, truncate } from '../../src/discord/embed-limits.ts';
import { pageComponents, pageMessage, turnOfButton, turnOfEmoji, turnPage, type PageState } from '../../src/discord/paged-results/page-model.ts';
import { errorReply } from '../../src/discord/reply-error.ts';
import { presentError } from '../../src/app/present-error.ts';
import { escapedExcerpt, escapeText, renderPageEmbed } from '../../src/discord/result-embed.ts';
import { renderPageText } from '../../src/console/result-text.ts';
import { keptResults, pageCount, toEntry, type ResultView } from '../../src/app/result-view.ts';
import { suggestTags } from '../../src/discord/tag-suggestions.ts';
import { previewNote } from '../../src/app/track-preview.ts';
import { resolveAudioRoot } from '../../src/audio/recorded-audio-root.ts';
import { UserError } from '../../src/errors.ts';
import { normalizePrompt } from '../../src/retrieval/prompt.ts';
import type { Recommendation } from '../../src/retrieval/recommender.ts';
import type { ServingStatus } from '../../src/retrieval/recommender-service.ts';
import { commandListProblems, messageProblems } from '../discord-emulator/limits.ts';
import { resultEntry } from '../helpers/fixture-tracks.ts';

const entry = resultEntry;

function view(over: Partial<ResultView> = {}): ResultView {
  return {
    prompt: 'calm piano for a rainy evening',
    filter: null,
    perPage: 5,
    entries: Array.from({ length: 12 }, (_, i) => entry(i)),
    mode: 'two-stage',
    indexName: 'default',
    latencyMs: 42.4,
    cached: false,
    preview: '🔊 Preview of #1 attached: a 0:30 excerpt.',
    ...over,
  };
}

/** No lone UTF-16 surrogate (a cut through an emoji). */
const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/** Checks an embed the way Discord does (the emulator's independent validator) plus our own count. */
function expectValid(embed: APIEmbed): void {
  expect(messageProblems({ embeds: [embed] })).toEqual([]);
  expect(embedLength(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
  const texts = [embed.title, embed.description, embed.footer?.text, ...(embed.fields ?? []).flatMap((f) => [f.name, f.value])];
  for (const s of texts) if (s !== undefined) expect(wellFormed(s)).toBe(true);
}

const huge = (unit: string, n: number) => unit.repeat(n);

describe('truncate and fairCaps', () => {
  it('cuts with an ellipsis only when needed, never splitting a surrogate pair', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcd', 3)).toBe('ab…');
    expect(truncate('abcd', 1)).toBe('…');
    expect(truncate('abcd', 0)).toBe('');
    const emoji = truncate('🎵🎵🎵🎵', 4);
    expect(emoji.length).toBeLessThanOrEqual(4);
    expect(wellFormed(emoji)).toBe(true);
    expect(emoji).toBe('🎵…');
  });

  it('shares a budget: short parts whole, long ones equally, never over', () => {
    expect(fairCaps([10, 1000, 1000], 1010)).toEqual([10, 500, 500]);
    expect(fairCaps([5, 5], 100)).toEqual([5, 5]);
    const caps = fairCaps([3000, 200, 5000, 1, 0], 2500, 1);
    expect(caps.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2500);
    expect(caps[3]).toBe(1);
    expect(caps[1]).toBe(200);
  });
});

describe('fitEmbed', () => {
  it('brings an embed over every limit within all of them', () => {
    const embed = fitEmbed({
      title: huge('T', 500),
      description: huge('D', 5000),
      footer: { text: huge('F', 3000) },
      author: { name: huge('A', 400) },
      fields: Array.from({ length: 30 }, (_, i) => ({ name: huge(`n${i}`, 200), value: huge('v', 2000) })),
    });
    expectValid(embed);
    expect(embed.fields).toHaveLength(25);
    expect(embed.title).toHaveLength(256);
    expect(embed.title!.endsWith('…')).toBe(true);
  });

  it('fills empty field parts (Discord rejects them) and leaves a small embed untouched', () => {
    const small: APIEmbed = { title: 'x', fields: [{ name: 'a', value: 'b' }] };
    expect(fitEmbed(small)).toEqual(small);
    const fixed = fitEmbed({ fields: [{ name: '', value: '' }] });
    expectValid(fixed);
  });

  it('shrinks the long parts and keeps the short ones whole', () => {
    const embed = fitEmbed({ description: huge('d', 4000), fields: [{ name: 'keep', value: 'short' }, { name: 'long', value: huge('v', 1024) }, { name: 'x', value: huge('w', 1024) }] });
    expectValid(embed);
    expect(embed.fields![0]).toEqual({ name: 'keep', value: 'short' });
    expect(embed.description!.endsWith('…')).toBe(true);
  });
});

describe('renderPageEmbed', () => {
  it('shows the prompt, tracks with rank, title, artist, link, tags, duration, caption and scores, and the footer', () => {
    const embed = renderPageEmbed(view(), 0);
    expectValid(embed);
    expect(embed.description).toBe('> calm piano for a rainy evening\n🔊 Preview of #1 attached: a 0:30 excerpt.');
    expect(embed.fields).toHaveLength(5);
    expect(embed.fields![0]).toEqual({
      name: '1. Title 1 — Someone',
      value: '[Track page](https://www.jamendo.com/track/1000) · 3:20\nmood: calm · genre: ambient · instrument: piano\n*Caption of track 1.*\nscore 0.900 · text 0.800 · audio 0.900',
    });
    expect(embed.footer?.text).toBe('Page 1/3 · two-stage (text + audio) · index default · 42 ms · fresh');
  });

  it('pages: the last page holds the rest; out-of-range pages clamp', () => {
    const v = view();
    expect(pageCount(v)).toBe(3);
    expect(renderPageEmbed(v, 2).fields!.map((f) => f.name.split('.')[0])).toEqual(['11', '12']);
    expect(renderPageEmbed(v, 99).footer?.text).toMatch(/^Page 3\/3/);
    expect(renderPageEmbed(v, -4).footer?.text).toMatch(/^Page 1\/3/);
  });

  it('text-only results, ids without titles or pages, cached results', () => {
    const v = view({
      mode: 'text-only',
      cached: true,
      entries: [entry(0, { audioScore: null, title: undefined, artist: undefined, url: undefined, trackId: 'demo_9000001' })],
    });
    const embed = renderPageEmbed(v, 0);
    expect(embed.fields![0]!.name).toBe('1. demo\\_9000001');
    expect(embed.fields![0]!.value).toBe('3:20\nmood: calm · genre: ambient · instrument: piano\n*Caption of track 1.*\nscore 0.900');
    expect(embed.footer?.text).toBe('Page 1/1 · text-only · index default · 42 ms · from cache');
  });

  it('says what the prompt named and which of it each track carries (embed and console)', () => {
    const v = view({
      mode: 'text-only',
      understood: 'calm · piano · not voice',
      entries: [entry(0, { audioScore: null, url: undefined, matched: ['calm', 'piano'] }), entry(1, { audioScore: null, url: undefined })],
    });
    const embed = renderPageEmbed(v, 0);
    expect(embed.description!.split('\n')).toContain('Understood: calm · piano · not voice');
    expect(embed.fields![0]!.value).toBe('3:20\nmood: calm · genre: ambient · instrument: piano\nmatched: calm · piano\n*Caption of track 1.*\nscore 0.900');
    expect(embed.fields![1]!.value).not.toContain('matched');
    const text = renderPageText(v, 0);
    expect(text).toContain('Understood: calm · piano · not voice');
    expect(text).toContain('    matched: calm · piano');
  });

  it('escapes markdown in the prompt and in catalog text, and links only plain URLs', () => {
    const v = view({
      prompt: '**loud** _drums_ [x](http://evil) `code` > quote',
      entries: [entry(0, { title: '*Star*', artist: '__under__', caption: 'a ~~strike~~ caption', url: 'https://example.com/a (b)' })],
    });
    const embed = renderPageEmbed(v, 0);
    // The masked link is broken (no disguised link), emphasis and code are literal.
    expect(embed.description!.split('\n')[0]).toBe('> \\*\\*loud\\*\\* \\_drums\\_ \\[x](http://evil) \\`code\\` > quote');
    expect(embed.fields![0]!.name).toBe('1. \\*Star\\* — \\_\\_under\\_\\_');
    expect(embed.fields![0]!.value).toContain('*a \\~\\~strike\\~\\~ caption*');
    expect(embed.fields![0]!.value).not.toContain('[Track page]');
  });

  it('stays within every limit on extreme input: 10 huge results, a 4,000-character markdown prompt, long filter and reason', () => {
    const big = (i: number) =>
      entry(i, {
        title: huge('𝄞Title*_', 200),
        artist: huge('Artist`', 100),
        caption: huge('A very long caption with **markdown** and emoji 🎶. ', 200),
        mood: Array.from({ length: 300 }, (_, k) => `mood_${k}`),
        genre: [huge('g', 500)],
        instrument: Array.from({ length: 50 }, (_, k) => `instrument${k}`),
        url: `https://example.com/${huge('p', 3000)}`,
      });
    const v = view({
      prompt: huge('*_`~|>#-[]() ', 300),
      filter: huge('mood: calm or happy, ', 200),
      preview: `🔇 No preview of #1: ${huge('reason ', 2000)}`,
      perPage: 10,
      entries: Array.from({ length: 50 }, (_, i) => big(i)),
      indexName: huge('idx', 1000),
    });
    for (const page of [0, 1, 4]) {
      const embed = renderPageEmbed(v, page);
      expectValid(embed);
      expect(embed.fields).toHaveLength(10);
      expect(embed.fields![0]!.name.startsWith(`${page * 10 + 1}. `)).toBe(true);
      // Every result keeps its score line or at least its start.
      for (const f of embed.fields!) expect(f.value.length).toBeGreaterThan(40);
    }
  });

  it('says so when nothing matched', () => {
    const embed = renderPageEmbed(view({ entries: [], filter: 'mood: calm' }), 0);
    expectValid(embed);
    expect(embed.fields).toEqual([]);
    expect(embed.description).toContain('Filters: mood: calm');
    expect(embed.description).toContain('No tracks matched.');
    expect(embed.footer?.text).toMatch(/^Page 1\/1/);
  });

  it('escapedExcerpt never exceeds its budget after escaping', () => {
    for (const n of [1, 2, 5, 17, 100]) {
      const s = escapedExcerpt('*'.repeat(300), n);
      expect(s.length).toBeLessThanOrEqual(n);
      expect(s.endsWith('\\')).toBe(false);
    }
  });
});

describe('prompt hygiene and escaping', () => {
  const BIDI = '\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\u200E\u200F';
  const ZERO_WIDTH = '\u200B\u200C\u200D\u2060\uFEFF\u00AD';

  it('removes control, bidi and zero-width characters before embedding and display', () => {
    expect(normalizePrompt(`calm${BIDI} piano${ZERO_WIDTH}\u0000\u0007\u001B[31m for\ta\r\nrainy\u2028night\u0085`)).toBe('calm piano[31m for a rainy night');
    // Tag characters (invisible "ASCII" some tools hide text in) and a lone surrogate.
    expect(normalizePrompt('jazz\u{E0041}\u{E0042} \uD800drums')).toBe('jazz drums');
    expect(normalizePrompt('🎹 piano 👩‍🎤')).toBe('🎹 piano 👩🎤');
  });

  it('counts the limit after cleaning, and calls a prompt of invisible characters empty', () => {
    expect(normalizePrompt(`a${'\u200B'.repeat(600)}`, 10)).toBe('a');
    expect(() => normalizePrompt(`${BIDI}${ZERO_WIDTH}\u0000`)).toThrow('The prompt is empty.');
  });

  it('escapeText keeps mentions, markdown and invisible characters of prompts and catalog text from rendering', () => {
    expect(escapeText('<@123> <@!4> <@&5> <#6> <t:1700000000:R> </reload:7> <:blob:8> <a:dance:9> <id:home>')).toBe(
      '\\<@123> \\<@!4> \\<@&5> \\<#6> \\<t:1700000000:R> \\</reload:7> \\<:blob:8> \\<a:dance:9> \\<id:home>',
    );
    expect(escapeText('hi @everyone and @here, mail a@here.com')).toBe('hi @\u200Beveryone and @\u200Bhere, mail a@\u200Bhere.com');
    expect(escapeText(`**bold** [link](https://x.y) # head \\<@1> ${BIDI}x${ZERO_WIDTH}y`)).toBe('\\*\\*bold\\*\\* \\[link](https://x.y) # head \\\\\\<@1> xy');
    expect(escapeText('a < b and 3<4')).toBe('a < b and 3<4');
  });

  it('catalog text in an embed (title, artist, tags, caption) and the preview note are escaped', () => {
    const sneaky = entry(0, { title: '<@999> **Free Nitro**', artist: '@everyone', mood: ['<#1>'], caption: 'Visit \u202Eevil\u202C [here](https://bad.example)' });
    const embed = renderPageEmbed(view({ entries: [sneaky], preview: '🔇 No preview of #1: Audio file not found: a/_x_.mp3 <@1>.' }), 0);
    expect(embed.fields![0]!.name).toBe('1. \\<@999> \\*\\*Free Nitro\\*\\* — @\u200Beveryone');
    expect(embed.fields![0]!.value).toContain('mood: \\<#1>');
    expect(embed.fields![0]!.value).toContain('*Visit evil \\[here](https://bad.example)*');
    expect(embed.description).toContain('🔇 No preview of #1: Audio file not found: a/\\_x\\_.mp3 \\<@1>.');
  });
});

describe('pages, turns and buttons', () => {
  const state = (page: number, entries = 12): PageState => ({ v: 1, requesterId: '1', page, manageMessages: true, view: view({ entries: Array.from({ length: entries }, (_, i) => entry(i)) }) });

  it('turns within bounds only', () => {
    expect(turnPage(state(0), 'next')?.page).toBe(1);
    expect(turnPage(state(0), 'prev')).toBeNull();
    expect(turnPage(state(2), 'next')).toBeNull();
    expect(turnPage(state(2), 'prev')?.page).toBe(1);
  });

  it('knows its emoji (with or without the variation selector) and button ids', () => {
    expect(turnOfEmoji('▶️')).toBe('next');
    expect(turnOfEmoji('▶')).toBe('next');
    expect(turnOfEmoji('◀️')).toBe('prev');
    expect(turnOfEmoji('👍')).toBeNull();
    expect(turnOfEmoji(null)).toBeNull();
    expect(turnOfButton('rec:page:next')).toBe('next');
    expect(turnOfButton('rec:page:at')).toBeNull();
  });

  it('shows ◀️ i/n ▶️ with the ends disabled, then Save and Play in voice; one page has only those two', () => {
    const [row] = pageComponents(state(0).view, 0);
    expect(row!.components.map((b) => ('custom_id' in b ? [b.custom_id, b.disabled] : null))).toEqual([
      ['rec:page:prev', true],
      ['rec:page:at', true],
      ['rec:page:next', false],
      ['rec:save', false],
      ['voice:play', false],
    ]);
    expect(pageComponents(state(2).view, 2)[0]!.components[2]).toMatchObject({ disabled: true });
    // A single page has no page buttons, but still Save (playlist export) and Play in voice.
    expect(pageComponents(state(0, 5).view, 0).map((r) => r.components.map((b) => ('custom_id' in b ? b.custom_id : null)))).toEqual([['rec:save', 'voice:play']]);
    expect(messageProblems(pageMessage(state(1)) as unknown as Record<string, unknown>)).toEqual([]);
  });

  it('keeps at most 50 results', () => {
    expect(keptResults(5, 5)).toBe(25);
    expect(keptResults(10, 10)).toBe(50);
    expect(keptResults(1, 1)).toBe(1);
  });
});

describe('renderPageText (console)', () => {
  it('renders the same page as plain lines with the same status line', () => {
    const text = renderPageText(view(), 1);
    expect(text.split('\n')[0]).toBe('"calm piano for a rainy evening"');
    expect(text).toContain(' 6. Title 6 — Someone  [3:25]  score 0.850 · text 0.800 · audio 0.850');
    expect(text).toContain('    https://www.jamendo.com/track/1005');
    expect(text.split('\n').at(-1)).toBe('Page 2/3 · two-stage (text + audio) · index default · 42 ms · fresh');
    expect(renderPageText(view({ entries: [] }), 0)).toContain('No tracks matched.');
  });
});

describe('small pure helpers', () => {
  it('toEntry keeps what pages show and cuts long captions', () => {
    const rec: Recommendation = {
      rank: 1, trackId: 'track_0000948', score: 0.5, textScore: 0.4, audioScore: null, textRank: 1, audioRank: null,
      denseScore: 0.4, lexicalScore: null, matchedTags: [],
      track: { id: 'track_0000948', tags: { mood: ['sad'], genre: [], instrument: [] }, caption: 'x'.repeat(1000), keywords: ['k'], license: 'CC BY' },
    };
    const e = toEntry(rec);
    expect(e).toMatchObject({ rank: 1, url: 'https://www.jamendo.com/track/948', mood: ['sad'], audioScore: null, license: 'CC BY' });
    expect(e).not.toHaveProperty('licenseUrl');
    expect(e.caption).toHaveLength(300);
    expect(e).not.toHaveProperty('keywords');
  });

  it('suggestTags: prefix before substring, commonest first, keeps earlier comma-separated tags, at most 25', () => {
    const tags = new Map([['calm', 50], ['cool', 10], ['upbeat', 5], ['scary', 80], ['call', 1]]);
    expect(suggestTags(tags, 'ca').map((c) => c.value)).toEqual(['calm', 'call', 'scary']);
    expect(suggestTags(tags, 'cool, ca').map((c) => c.value)).toEqual(['cool, calm', 'cool, call', 'cool, scary']);
    expect(suggestTags(tags, '')[0]).toEqual({ name: 'scary (80)', value: 'scary' });
    const many = new Map(Array.from({ length: 100 }, (_, i) => [`tag${i}`, i] as const));
    const list = suggestTags(many, 'tag');
    expect(list).toHaveLength(25);
    expect(list[0]!.value).toBe('tag99');
    expect(suggestTags(new Map([[huge('x', 120), 1]]), 'x')).toEqual([]);
  });

  it('previewNote and resolveAudioRoot', () => {
    expect(previewNote({ kind: 'none', reason: 'track x has no audio file' })).toBe('🔇 No preview of #1: track x has no audio file.');
    expect(previewNote({ kind: 'none', reason: 'ends with a dot.' })).toBe('🔇 No preview of #1: ends with a dot.');
    const clip = { kind: 'clip' as const, file: 'f', bytes: 1, contentType: 'audio/mpeg', filename: 'a.mp3', durationSec: 30, derived: true, cached: false, lowQuality: false };
    expect(previewNote({ ...clip, startSec: 60 })).toBe('🔊 Preview of #1 attached: a 0:30 excerpt.');
    expect(previewNote({ ...clip, startSec: 0, durationSec: 12 })).toBe('🔊 Preview of #1 attached: the whole track (0:12).');
    expect(previewNote({ ...clip, derived: false })).toBe('🔊 Preview of #1 attached: the original file (its licence allows no excerpts).');
    expect(resolveAudioRoot('/set', { dir: '/idx', audioRoot: '../audio' })).toBe('/set');
    expect(resolveAudioRoot(undefined, { dir: '/data/idx', audioRoot: '../audio' })).toBe('/data/audio');
    expect(resolveAudioRoot(undefined, { dir: '/data/idx', audioRoot: null })).toBeNull();
  });

  it('presentError + errorReply: what to do for user errors, only a reference otherwise (logged with the error)', () => {
    expect(errorReply(presentError(new UserError('Bad thing.', 'Do this.')))).toBe('⚠️ Bad thing. Do this.');
    const logged: [string, unknown][] = [];
    const internal = new Error('secret internals at /srv/x');
    const presented = presentError(internal, (ref, err) => logged.push([ref, err]));
    expect(presented).toMatchObject({ kind: 'unexpected', ref: expect.stringMatching(/^[0-9a-f]{6}$/) });
    expect(logged).toEqual([[(presented as { ref: string }).ref, internal]]);
    expect(errorReply(presented)).toBe(`Something went wrong (ref ${(presented as { ref: string }).ref}). Please try again in a moment.`);
  });

  it('reloadSummary', () => {
    const status = { name: 'x', tracks: 3, version: 'v1', dir: '/x', mode: 'text-only' as const, models: { text: 't', clap: null }, firstStage: 'hybrid' } as unknown as ServingStatus;
    expect(reloadSummary({ status, loadMs: 12, modelsReloaded: false })).toBe('✅ Now serving **x** (version v1): 3 tracks, text-only, first stage hybrid, loaded in 12 ms. Cached results were cleared.');
  });

  it('command definitions pass Discord\'s checks', () => {
    expect(commandListProblems(botCommands({ maxPromptChars: 4000 }).map((c) => c.data.toJSON()))).toEqual([]);
  });
});
