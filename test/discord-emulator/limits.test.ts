import { describe, expect, it } from 'vitest';
import { commandListProblems, formErrors, isEmptyMessage, messageProblems } from './limits.ts';
import { emojiKey, parseEmojiSegment, resolveAttachments, type StoredAttachment, type UploadedFile } from './messages.ts';
import { memberPermissions, ALL_PERMISSIONS } from './permissions.ts';
import { snowflakeAt, snowflakeTime } from './snowflake.ts';

const upload = (field: string, filename: string, text: string): UploadedFile => ({ field, filename, contentType: 'text/plain', bytes: Buffer.from(text) });

describe('message limits', () => {
  it('accepts a normal embed and reports each broken limit with its path', () => {
    expect(messageProblems({ content: 'hi', embeds: [{ title: 'ok', fields: [{ name: 'a', value: 'b' }] }] })).toEqual([]);
    const problems = messageProblems({
      content: 'x'.repeat(2001),
      embeds: [{ title: 't'.repeat(257), fields: Array.from({ length: 26 }, () => ({ name: 'n', value: 'v' })) }],
    });
    expect(problems.map((p) => p.path.join('.'))).toEqual(['content', 'embeds.0.title', 'embeds.0.fields']);
  });

  it('counts the 6000-character total across embeds', () => {
    const embed = { description: 'd'.repeat(4000) };
    expect(messageProblems({ embeds: [embed] })).toEqual([]);
    expect(messageProblems({ embeds: [embed, embed] }).map((p) => p.code)).toEqual(['MAX_EMBED_SIZE_EXCEEDED']);
  });

  it('checks action rows, buttons and duplicate custom ids', () => {
    const button = (id: string) => ({ type: 2, style: 1, label: 'b', custom_id: id });
    const row = { type: 1, components: [button('a'), button('a'), button('c'), button('d'), button('e'), button('f')] };
    expect(messageProblems({ components: [row] }).map((p) => p.code)).toEqual(['BASE_TYPE_MAX_LENGTH', 'COMPONENT_CUSTOM_ID_DUPLICATED']);
    expect(messageProblems({ components: [{ type: 1, components: [{ type: 2, style: 1, label: 'no id' }] }] })[0]?.path).toEqual(['components', '0', 'components', '0', 'custom_id']);
  });

  it('knows an empty message', () => {
    expect(isEmptyMessage({ content: '' }, 0)).toBe(true);
    expect(isEmptyMessage({ content: '' }, 1)).toBe(false);
    expect(isEmptyMessage({ embeds: [{}] }, 0)).toBe(false);
  });

  it('nests problems the way Discord reports them', () => {
    expect(formErrors([{ path: ['embeds', '0', 'title'], code: 'C', message: 'M' }])).toEqual({ embeds: { 0: { title: { _errors: [{ code: 'C', message: 'M' }] } } } });
  });
});

describe('command limits', () => {
  it('rejects bad names, missing descriptions, required-after-optional and duplicates', () => {
    const ok = { name: 'recommend', description: 'd', options: [{ type: 3, name: 'prompt', description: 'p', required: true }] };
    expect(commandListProblems([ok])).toEqual([]);
    const codes = commandListProblems([
      { name: 'Bad', description: 'd' },
      { name: 'x', description: '' },
      { name: 'y', description: 'd', options: [{ type: 3, name: 'a', description: 'a' }, { type: 3, name: 'b', description: 'b', required: true }] },
      ok,
      ok,
    ]).map((p) => `${p.path.join('.')}:${p.code}`);
    expect(codes).toEqual([
      '0.name:APPLICATION_COMMAND_INVALID_NAME',
      '1.description:BASE_TYPE_BAD_LENGTH',
      '2.options.1.required:APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID',
      '4.name:APPLICATION_COMMANDS_DUPLICATE_NAME',
    ]);
  });
});

describe('attachments on create and edit', () => {
  let n = 0;
  const newId = () => `id${++n}`;
  const existing: StoredAttachment[] = [{ id: 'old', filename: 'old.txt', contentType: 'text/plain', bytes: Buffer.from('old') }];

  it('describes uploads by index and keeps every upload', () => {
    const r = resolveAttachments([{ id: '1', description: 'second' }], [upload('files[0]', 'a.txt', 'A'), upload('files[1]', 'b.txt', 'B')], [], newId);
    expect(r.ok && r.attachments.map((a) => [a.filename, a.description, a.bytes.toString()])).toEqual([
      ['a.txt', undefined, 'A'],
      ['b.txt', 'second', 'B'],
    ]);
  });

  it('on edit keeps what `attachments` lists, keeps everything when it is absent, refuses unknown ids', () => {
    const keepNone = resolveAttachments([], [upload('files[0]', 'new.txt', 'N')], existing, newId);
    expect(keepNone.ok && keepNone.attachments.map((a) => a.filename)).toEqual(['new.txt']);
    const keepAll = resolveAttachments(undefined, [upload('files[0]', 'new.txt', 'N')], existing, newId);
    expect(keepAll.ok && keepAll.attachments.map((a) => a.filename)).toEqual(['old.txt', 'new.txt']);
    const unknown = resolveAttachments([{ id: 'nope' }], [], existing, newId);
    expect(unknown.ok).toBe(false);
  });
});

describe('small helpers', () => {
  it('parses emoji route segments', () => {
    expect(parseEmojiSegment('▶️')).toEqual({ id: null, name: '▶️' });
    expect(parseEmojiSegment('blob:123')).toEqual({ id: '123', name: 'blob' });
    expect(emojiKey(parseEmojiSegment('a:dance:9'))).toBe('dance:9');
  });

  it('computes member permissions: @everyone + roles, all for owner or Administrator', () => {
    const roles = [
      { id: 'g', permissions: '1' },
      { id: 'r', permissions: '4' },
      { id: 'admin', permissions: '8' },
    ];
    expect(memberPermissions(['r'], roles, 'g', false)).toBe(5n);
    expect(memberPermissions([], roles, 'g', true)).toBe(ALL_PERMISSIONS);
    expect(memberPermissions(['admin'], roles, 'g', false)).toBe(ALL_PERMISSIONS);
  });

  it('encodes time in snowflakes', () => {
    const t = Date.UTC(2025, 0, 1);
    expect(snowflakeTime(snowflakeAt(t, 5))).toBe(t);
  });
});
