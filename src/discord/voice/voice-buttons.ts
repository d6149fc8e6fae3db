import { ButtonStyle, ComponentType, type APIActionRowComponent, type APIButtonComponent } from 'discord.js';
import type { VoiceControl } from './voice-rules.ts';

/** "▶ Play in voice" on every results message: the whole list, played in the presser's voice channel. */
export const PLAY_IN_VOICE_ID = 'voice:play';
export const PLAY_IN_VOICE_LABEL = '▶ Play in voice';

/** The now-playing message's controls. */
export const VOICE_CONTROL_PREFIX = 'voice:ctl:';
export const VOICE_CONTROL_IDS: Readonly<Record<VoiceControl, string>> = {
  skip: `${VOICE_CONTROL_PREFIX}skip`,
  stop: `${VOICE_CONTROL_PREFIX}stop`,
  leave: `${VOICE_CONTROL_PREFIX}leave`,
};
const CONTROL_LOOKS: Readonly<Record<VoiceControl, { label: string; emoji: string }>> = {
  skip: { label: 'Skip', emoji: '⏭️' },
  stop: { label: 'Stop', emoji: '⏹️' },
  leave: { label: 'Leave', emoji: '⏏️' },
};

export function playInVoiceButton(): APIButtonComponent {
  return { type: ComponentType.Button, style: ButtonStyle.Secondary, custom_id: PLAY_IN_VOICE_ID, label: PLAY_IN_VOICE_LABEL, disabled: false };
}

export function controlOfButton(customId: string): VoiceControl | null {
  const control = (Object.keys(VOICE_CONTROL_IDS) as VoiceControl[]).find((c) => VOICE_CONTROL_IDS[c] === customId);
  return control ?? null;
}

/**
 * The now-playing message's row: ⏭ Skip, ⏹ Stop, ⏏ Leave while a list plays; only Leave once it
 * has ended (Skip and Stop greyed); nothing once the bot has left. Pure.
 */
export function controlRows(phase: 'playing' | 'idle' | 'left'): APIActionRowComponent<APIButtonComponent>[] {
  if (phase === 'left') return [];
  const button = (c: VoiceControl): APIButtonComponent => ({
    type: ComponentType.Button,
    style: c === 'leave' ? ButtonStyle.Danger : ButtonStyle.Secondary,
    custom_id: VOICE_CONTROL_IDS[c],
    label: CONTROL_LOOKS[c].label,
    emoji: { name: CONTROL_LOOKS[c].emoji },
    disabled: phase !== 'playing' && c !== 'leave',
  });
  return [{ type: ComponentType.ActionRow, components: [button('skip'), button('stop'), button('leave')] }];
}
