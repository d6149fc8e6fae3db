/** Logs never carry credentials: redacted fields, interaction tokens in URLs, and the bot token anywhere. */
import { describe, expect, it } from 'vitest';
import { createLogger, scrubUrlTokens } from '../../src/logger.ts';
import { LogCapture } from './helpers/fixtures.ts';

const BOT_TOKEN = 'MTIzNDU2Nzg5.bot-token-value.abcdef';
const IX_TOKEN = 'aW50ZXJhY3Rpb246MTIzOmxvbmctc2VjcmV0';

describe('logger', () => {
  it('scrubs interaction and webhook tokens from URLs', () => {
    expect(scrubUrlTokens(`https://discord.com/api/v10/interactions/123/${IX_TOKEN}/callback?with_response=true`)).toBe(
      'https://discord.com/api/v10/interactions/123/:token/callback?with_response=true',
    );
    expect(scrubUrlTokens(`/webhooks/987/${IX_TOKEN}/messages/@original`)).toBe('/webhooks/987/:token/messages/@original');
    expect(scrubUrlTokens('/channels/1/messages/2')).toBe('/channels/1/messages/2');
  });

  it('redacts token fields and scrubs the bot token and URL tokens wherever they appear', () => {
    const logs = new LogCapture();
    const logger = createLogger({ level: 'info', format: 'json', secrets: [BOT_TOKEN, undefined], destination: logs });
    logger.info({ token: BOT_TOKEN, config: { discord: { token: BOT_TOKEN } }, headers: { authorization: `Bot ${BOT_TOKEN}` } }, 'fields');
    const err = Object.assign(new Error(`request to /webhooks/1/${IX_TOKEN}/messages/@original failed`), {
      url: `https://discord.com/api/v10/webhooks/1/${IX_TOKEN}/messages/@original`,
      requestBody: { files: ['big'], json: { token: BOT_TOKEN } },
    });
    logger.error({ err }, 'api error');
    logger.warn(`someone pasted ${BOT_TOKEN} in a message`);
    const all = logs.raw.join('\n');
    expect(logs.raw).toHaveLength(3);
    expect(all).not.toContain(BOT_TOKEN);
    expect(all).not.toContain(IX_TOKEN);
    expect(logs.entries[0]).toMatchObject({ token: '[Redacted]', config: { discord: { token: '[Redacted]' } }, headers: { authorization: '[Redacted]' } });
    expect(logs.entries[1]).toMatchObject({ err: { url: 'https://discord.com/api/v10/webhooks/1/:token/messages/@original', requestBody: '[Redacted]' } });
    expect(logs.entries[2]!.msg).toBe('someone pasted [Redacted] in a message');
  });
});
