/** A local Discord (REST v10 + gateway) for end-to-end tests with a real discord.js Client. See README.md. */
export { DiscordEmulator, InteractionHandle, type EmulatorOptions, type WaitOptions } from './emulator.ts';
export type { ActiveFault, FaultRule } from './faults.ts';
export type { ConnectionRecord, Gateway, IdentifyRecord, ResumeRecord, VoiceStateRequest } from './gateway.ts';
export type { CommandOptionValues } from './interactions.ts';
export { LIMITS } from './limits.ts';
export type { StoredAttachment, StoredMessage, StoredReaction, UploadedFile } from './messages.ts';
export { ALL_PERMISSIONS, DEFAULT_BOT_PERMISSIONS, EVERYONE_PERMISSIONS } from './permissions.ts';
export type { InteractionKind, InteractionRecord, RecordedCallback, RecordedRequest } from './state.ts';
export type { EmulatedGuild, EmulatedUsers } from './world.ts';
export { arrivalGaps, dominantFrequency, percentile, rms, toneSegments, type ArrivalGaps, type ToneSegment } from './voice/analysis.ts';
export { VoiceServerEmulator } from './voice/voice-server.ts';
export type { SpeakingEvent, VoiceConnectionRecord, VoiceFrame, VoiceResumeRecord, VoiceSession } from './voice/voice-session.ts';
