/**
 * The generated CLAP: two towers shaped like `Xenova/larger_clap_music_and_speech`'s ONNX files.
 * Text: RoBERTa embeddings and encoder, mask-weighted mean pooling, projection head →
 * `text_embeds`. Audio: per-mel-bin normalization of the log-mel spectrogram, a strided
 * convolution cutting it into patches, a transformer encoder, mean pooling, projection head →
 * `audio_embeds`. Untrained: the two towers' spaces are not aligned.
 */
import { bpeTokenizerFiles, bpeVocabulary, bpeWordOf, BPE_IDS } from './bpe-tokenizer.ts';
import { attentionBias, BlockContext, conv2d, embedding, encoder, layerNorm, maskedMeanPool, projectionHead } from './layers.ts';
import type { Precision } from './layers.ts';
import { modelCard } from './model-card.ts';
import { attr, GraphBuilder } from './onnx-graph.ts';
import { audioPatchCount, CLAP_FRAMES, CLAP_MEL_BINS } from './options.ts';
import type { ClapOptions } from './options.ts';
import { ParamStore } from './params.ts';
import { tokenEmbeddingTable } from './token-vectors.ts';
import { vocabularyWords } from './vocabulary.ts';

const LAYER_NORM_EPS = 1e-5;
const POSITION_STD = 0.1;
/** Log-mel dB values span roughly −100…+40: (x + 50) / 30 brings them near unit scale. */
const MEL_OFFSET = 50;
const MEL_SCALE = 1 / 30;

function buildTextGraph(params: ParamStore, o: ClapOptions, tokens: readonly string[], precision: Precision): Uint8Array {
  const t = o.text;
  const g = new GraphBuilder('clap_text_model');
  const ctx = new BlockContext(g, params, precision);
  const dims = ['batch_size', 'sequence_length'];
  const ids = g.input('input_ids', 'int64', dims);
  const mask = g.input('attention_mask', 'int64', dims);
  const words = new Set(vocabularyWords());

  const wordEmb = embedding(ctx, ids, 'text_model.embeddings.word_embeddings', tokens.length, t.hidden, {
    kind: 'custom',
    make: () =>
      tokenEmbeddingTable({ seed: params.seed, namespace: params.namespace, dim: t.hidden, tokens, wordOf: bpeWordOf(words), bracket: ['<s>', '</s>'] }),
  });
  // RoBERTa positions: count non-padding tokens from padding_idx + 1; padding keeps padding_idx.
  const pad = g.constInt64([BPE_IDS.pad], []);
  const isPad = g.node('Equal', [ids, pad], { name: 'is_padding' });
  const notPad = g.node('Cast', [g.node('Not', [isPad], { name: 'not_padding' })], { attrs: { to: attr.int(7) }, name: 'token_flag' });
  const counted = g.node('CumSum', [notPad, g.constInt64([1], [])], { name: 'token_index' });
  const positions = g.node('Add', [g.node('Mul', [counted, notPad], { name: 'token_index_masked' }), pad], { name: 'position_ids' });
  const posEmb = embedding(ctx, positions, 'text_model.embeddings.position_embeddings', t.maxPositions + 2, t.hidden, {
    kind: 'normal',
    std: POSITION_STD,
  });
  // type_vocab_size is 1: every token adds the same segment vector.
  const typeRow = params.get('text_model.embeddings.token_type_embeddings.weight', [1, t.hidden], { kind: 'normal', std: 0.05 });
  const typeEmb = g.initializer('text_model.embeddings.token_type_embeddings.weight', typeRow.dims, { elem: 'float32', data: typeRow.data });
  const sum = g.node('Add', [g.node('Add', [wordEmb, posEmb], { name: 'embeddings_wp' }), typeEmb], { name: 'embeddings_sum' });
  const embedded = layerNorm(ctx, sum, 'text_model.embeddings.LayerNorm', t.hidden, LAYER_NORM_EPS);
  const bias = t.layers > 0 ? attentionBias(ctx, mask) : null;
  const hidden = encoder(ctx, embedded, 'text_model.encoder', t, bias, LAYER_NORM_EPS);
  // Normalizing the pooled vector keeps the projection head's input at unit scale for any length.
  const pooled = layerNorm(ctx, maskedMeanPool(ctx, hidden, mask), 'text_model.pooler.LayerNorm', t.hidden, LAYER_NORM_EPS);
  const embeds = projectionHead(ctx, pooled, 'text_projection', t.hidden, o.projection);
  g.output(embeds, 'text_embeds', 'float32', ['batch_size', o.projection]);
  g.output(hidden, 'last_hidden_state', 'float32', ['batch_size', 'sequence_length', t.hidden]);
  return g.toBytes(`cratedigger generated CLAP text tower (${precision}), untrained, seed ${params.seed}`);
}

function buildAudioGraph(params: ParamStore, o: ClapOptions, precision: Precision): Uint8Array {
  const a = o.audio;
  const g = new GraphBuilder('clap_audio_model');
  const ctx = new BlockContext(g, params, precision);
  const features = g.input('input_features', 'float32', ['batch_size', 1, CLAP_FRAMES, CLAP_MEL_BINS]);

  // Per-mel-bin affine normalization (HTSAT's bn0, folded to scale and shift).
  const bnScale = params.get('audio_model.audio_encoder.batch_norm.scale', [CLAP_MEL_BINS], { kind: 'normal', std: MEL_SCALE * 0.05, mean: MEL_SCALE });
  const bnShift = params.get('audio_model.audio_encoder.batch_norm.shift', [CLAP_MEL_BINS], {
    kind: 'normal',
    std: 0.05,
    mean: MEL_OFFSET * MEL_SCALE,
  });
  const scaled = g.node('Mul', [features, g.initializer('audio_model.audio_encoder.batch_norm.scale', [CLAP_MEL_BINS], { elem: 'float32', data: bnScale.data })], { name: 'bn0_scale' });
  const normalized = g.node('Add', [scaled, g.initializer('audio_model.audio_encoder.batch_norm.shift', [CLAP_MEL_BINS], { elem: 'float32', data: bnShift.data })], { name: 'bn0_shift' });

  const p = a.patch;
  const patches = conv2d(ctx, normalized, 'audio_model.audio_encoder.patch_embed.proj', [a.hidden, 1, p, p], [p, p], 1 / p);
  const flat = g.node('Reshape', [patches, g.constInt64([0, 0, -1])], { name: 'patch_flat' });
  const sequence = g.node('Transpose', [flat], { attrs: { perm: attr.ints([0, 2, 1]) }, name: 'patch_sequence' });
  const count = audioPatchCount(p);
  const pos = params.get('audio_model.audio_encoder.patch_embed.position_embeddings', [count, a.hidden], { kind: 'normal', std: POSITION_STD });
  const posInit = g.initializer('audio_model.audio_encoder.patch_embed.position_embeddings', pos.dims, { elem: 'float32', data: pos.data });
  const withPos = g.node('Add', [sequence, posInit], { name: 'patch_positions' });
  const embedded = layerNorm(ctx, withPos, 'audio_model.audio_encoder.patch_embed.norm', a.hidden, LAYER_NORM_EPS);
  const hidden = encoder(ctx, embedded, 'audio_model.audio_encoder', a, null, LAYER_NORM_EPS);
  const normed = layerNorm(ctx, hidden, 'audio_model.audio_encoder.norm', a.hidden, LAYER_NORM_EPS);
  const mean = g.node('ReduceMean', [normed], { attrs: { axes: attr.ints([1]), keepdims: attr.int(0) }, name: 'patch_mean' });
  const pooled = layerNorm(ctx, mean, 'audio_model.audio_encoder.pooler.LayerNorm', a.hidden, LAYER_NORM_EPS);
  const embeds = projectionHead(ctx, pooled, 'audio_projection', a.hidden, o.projection);
  g.output(embeds, 'audio_embeds', 'float32', ['batch_size', o.projection]);
  g.output(normed, 'last_hidden_state', 'float32', ['batch_size', count, a.hidden]);
  return g.toBytes(`cratedigger generated CLAP audio tower (${precision}), untrained, seed ${params.seed}`);
}

export function clapConfig(o: ClapOptions, vocabSize: number, id: string, generator: unknown): Record<string, unknown> {
  const audioPatches = audioPatchCount(o.audio.patch);
  return {
    _name_or_path: id,
    architectures: ['ClapModel'],
    audio_config: {
      model_type: 'clap_audio_model',
      // One stage of `layers` blocks over `patch`×`patch` patches (the real HTSAT is a 4-stage Swin).
      depths: [o.audio.layers],
      num_attention_heads: [o.audio.heads],
      hidden_size: o.audio.hidden,
      intermediate_size: o.audio.intermediate,
      mlp_ratio: o.audio.intermediate / o.audio.hidden,
      patch_size: o.audio.patch,
      patch_stride: [o.audio.patch, o.audio.patch],
      num_patches: audioPatches,
      num_mel_bins: CLAP_MEL_BINS,
      spec_size: CLAP_FRAMES,
      enable_fusion: false,
      fusion_type: null,
      flatten_patch_embeds: true,
      hidden_act: 'gelu',
      layer_norm_eps: LAYER_NORM_EPS,
      projection_dim: o.projection,
      projection_hidden_act: 'relu',
      projection_hidden_size: o.projection,
    },
    text_config: {
      model_type: 'clap_text_model',
      vocab_size: vocabSize,
      hidden_size: o.text.hidden,
      num_hidden_layers: o.text.layers,
      num_attention_heads: o.text.heads,
      intermediate_size: o.text.intermediate,
      max_position_embeddings: o.text.maxPositions + 2,
      type_vocab_size: 1,
      hidden_act: 'gelu',
      layer_norm_eps: LAYER_NORM_EPS,
      pad_token_id: BPE_IDS.pad,
      bos_token_id: BPE_IDS.bos,
      eos_token_id: BPE_IDS.eos,
      position_embedding_type: 'absolute',
      projection_dim: o.projection,
      projection_hidden_act: 'relu',
      pooling: 'mean',
    },
    hidden_size: o.text.hidden,
    initializer_factor: 1.0,
    logit_scale_init_value: 14.285714285714285,
    model_type: 'clap',
    projection_dim: o.projection,
    projection_hidden_act: 'relu',
    torch_dtype: 'float32',
    transformers_version: '4.35.0',
    cratedigger_generator: generator,
  };
}

/** `ClapFeatureExtractor` settings of larger_clap_music_and_speech (48 kHz, 10 s, 64 mels). */
export function clapPreprocessorConfig(): Record<string, unknown> {
  return {
    chunk_length_s: 10,
    feature_extractor_type: 'ClapFeatureExtractor',
    feature_size: CLAP_MEL_BINS,
    fft_window_size: 1024,
    frequency_max: 14_000,
    frequency_min: 50,
    hop_length: 480,
    max_length_s: 10,
    n_fft: 1024,
    nb_frequency_bins: 513,
    nb_max_frames: CLAP_FRAMES - 1,
    nb_max_samples: 480_000,
    padding: 'repeatpad',
    padding_side: 'right',
    padding_value: 0.0,
    processor_class: 'ClapProcessor',
    return_attention_mask: false,
    sampling_rate: 48_000,
    top_db: null,
    truncation: 'rand_trunc',
  };
}

export function clapFiles(o: ClapOptions, seed: number, id: string, version: number): Record<string, unknown> {
  const vocab = bpeVocabulary(o.text.vocab);
  const params = new ParamStore(seed, 'clap');
  const generator = { version, seed, options: o };
  return {
    'config.json': clapConfig(o, vocab.tokens.length, id, generator),
    'preprocessor_config.json': clapPreprocessorConfig(),
    ...bpeTokenizerFiles(vocab, o.text.maxPositions),
    'README.md': modelCard(id, 'Xenova/larger_clap_music_and_speech', seed, o, [
      'onnx/text_model.onnx',
      'onnx/text_model_quantized.onnx',
      'onnx/audio_model.onnx',
      'onnx/audio_model_quantized.onnx',
    ]),
    'onnx/text_model.onnx': buildTextGraph(params, o, vocab.tokens, 'fp32'),
    'onnx/text_model_quantized.onnx': buildTextGraph(params, o, vocab.tokens, 'q8'),
    'onnx/audio_model.onnx': buildAudioGraph(params, o, 'fp32'),
    'onnx/audio_model_quantized.onnx': buildAudioGraph(params, o, 'q8'),
  };
}
