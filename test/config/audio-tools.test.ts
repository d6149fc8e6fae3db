import { describe, expect, it } from 'vitest';
import { loadConfig, wantsStackTraces } from '../../src/config.ts';
import { REPO_ROOT } from '../helpers/paths.ts';

describe('FFMPEG_PATH and FFPROBE_PATH', () => {
  it('name the tools every decode, preview and demo encode runs; unset or blank, the ones on PATH', () => {
    expect(loadConfig({}, REPO_ROOT).audio.tools).toEqual({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
    expect(loadConfig({ FFMPEG_PATH: ' ', FFPROBE_PATH: '' }, REPO_ROOT).audio.tools).toEqual({ ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' });
    expect(loadConfig({ FFMPEG_PATH: '/opt/ffmpeg/bin/ffmpeg', FFPROBE_PATH: '/opt/ffmpeg/bin/ffprobe' }, REPO_ROOT).audio.tools).toEqual({
      ffmpegPath: '/opt/ffmpeg/bin/ffmpeg',
      ffprobePath: '/opt/ffmpeg/bin/ffprobe',
    });
  });
});

describe('wantsStackTraces', () => {
  it('is LOG_LEVEL debug or trace; any other level, an invalid one or none is no', () => {
    expect(wantsStackTraces({ LOG_LEVEL: 'debug' })).toBe(true);
    expect(wantsStackTraces({ LOG_LEVEL: 'trace' })).toBe(true);
    expect(wantsStackTraces({ LOG_LEVEL: 'info' })).toBe(false);
    expect(wantsStackTraces({ LOG_LEVEL: 'verbose' })).toBe(false);
    expect(wantsStackTraces({})).toBe(false);
  });

  it('answers even when the rest of the configuration is invalid', () => {
    expect(() => loadConfig({ LOG_LEVEL: 'debug', CANDIDATES: 'many' }, REPO_ROOT)).toThrow(/CANDIDATES/);
    expect(wantsStackTraces({ LOG_LEVEL: 'debug', CANDIDATES: 'many' })).toBe(true);
  });
});
