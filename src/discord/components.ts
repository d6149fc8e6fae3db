import type { ComponentHandler } from './component-handler.ts';
import { moreLikeThisMenu } from './more-like-this.ts';
import { pageButtons } from './paged-results/page-handlers.ts';
import { saveButton } from './paged-results/save-button.ts';
import { playInVoiceHandler } from './voice/play-in-voice.ts';
import { voiceControlButtons } from './voice/voice-controls.ts';

/** Every message-component handler the bot serves (their custom-id prefixes must not overlap). */
export function botComponents(): readonly ComponentHandler[] {
  return [pageButtons, saveButton, moreLikeThisMenu, playInVoiceHandler, voiceControlButtons];
}
