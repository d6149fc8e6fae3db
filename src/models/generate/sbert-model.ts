/**
 * The generated sentence encoder: a BERT model shaped like `Xenova/all-MiniLM-L6-v2` (same file
 * names, config fields, inputs and `last_hidden_state` output), with seeded untrained weights.
 */
import { attentionBias, BlockContext, embedding, encoder, layerNorm } from './layers.ts';
import type { Precision } from './layers.ts';
import { modelCard } from './model-card.ts';
import { GraphBuilder } from './onnx-graph.ts';
import type { SbertOptions } from './options.ts';
import { ParamStore } from './params.ts';
import { tokenEmbeddingTable } from './token-vectors.ts';
import { WORDPIECE_BRACKET, WORDPIECE_PAD_ID, wordPieceTokenizerFiles, wordPieceVocabulary, wordPieceWordOf } from './wordpiece-tokenizer.ts';
import { vocabularyWords } from './vocabulary.ts';

const LAYER_NORM_EPS = 1e-12;
const TYPE_VOCAB = 2;
/** Position and segment embeddings stay small next to word embeddings (bag-of-words geometry). */
const POSITION_STD = 0.1;
const TOKEN_TYPE_STD = 0.05;

function buildGraph(params: ParamStore, o: SbertOptions, tokens: readonly string[], precision: Precision): Uint8Array {
  const g = new GraphBuilder('bert');
  const ctx = new BlockContext(g, params, precision);
  const dims = ['batch_size', 'sequence_length'];
  const ids = g.input('input_ids', 'int64', dims);
  const mask = g.input('attention_mask', 'int64', dims);
  const types = g.input('token_type_ids', 'int64', dims);
  const words = new Set(vocabularyWords());

  const wordEmb = embedding(ctx, ids, 'embeddings.word_embeddings', tokens.length, o.hidden, {
    kind: 'custom',
    make: () =>
      tokenEmbeddingTable({ seed: params.seed, namespace: params.namespace, dim: o.hidden, tokens, wordOf: wordPieceWordOf(words), bracket: WORDPIECE_BRACKET }),
  });
  // position_ids = 0 … sequence_length-1, as BERT's exports slice them.
  const shape = g.node('Shape', [ids], { name: 'input_shape' });
  const seqLen = g.node('Gather', [shape, g.constInt64([1], [])], { name: 'sequence_length' });
  const positions = g.node('Range', [g.constInt64([0], []), seqLen, g.constInt64([1], [])], { name: 'position_ids' });
  const posEmb = embedding(ctx, positions, 'embeddings.position_embeddings', o.maxPositions, o.hidden, {
    kind: 'normal',
    std: POSITION_STD,
  });
  const typeEmb = embedding(ctx, types, 'embeddings.token_type_embeddings', TYPE_VOCAB, o.hidden, {
    kind: 'normal',
    std: TOKEN_TYPE_STD,
  });
  const sum = g.node('Add', [g.node('Add', [wordEmb, posEmb], { name: 'embeddings_wp' }), typeEmb], { name: 'embeddings_sum' });
  const embedded = layerNorm(ctx, sum, 'embeddings.LayerNorm', o.hidden, LAYER_NORM_EPS);
  const bias = o.layers > 0 ? attentionBias(ctx, mask) : null;
  const hidden = encoder(ctx, embedded, 'encoder', o, bias, LAYER_NORM_EPS);
  g.output(hidden, 'last_hidden_state', 'float32', ['batch_size', 'sequence_length', o.hidden]);
  return g.toBytes(`cratedigger generated BERT (${precision}), untrained, seed ${params.seed}`);
}

export function sbertConfig(o: SbertOptions, vocabSize: number, id: string, generator: unknown): Record<string, unknown> {
  return {
    _name_or_path: id,
    architectures: ['BertModel'],
    attention_probs_dropout_prob: 0.1,
    classifier_dropout: null,
    gradient_checkpointing: false,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.1,
    hidden_size: o.hidden,
    initializer_range: 0.02,
    intermediate_size: o.intermediate,
    layer_norm_eps: LAYER_NORM_EPS,
    max_position_embeddings: o.maxPositions,
    model_type: 'bert',
    num_attention_heads: o.heads,
    num_hidden_layers: o.layers,
    pad_token_id: WORDPIECE_PAD_ID,
    position_embedding_type: 'absolute',
    transformers_version: '4.29.2',
    type_vocab_size: TYPE_VOCAB,
    use_cache: true,
    vocab_size: vocabSize,
    cratedigger_generator: generator,
  };
}

/** Every file of the model folder (relative path → JSON object, text or bytes). */
export function sbertFiles(o: SbertOptions, seed: number, id: string, version: number): Record<string, unknown> {
  const tokens = wordPieceVocabulary(o.vocab);
  const params = new ParamStore(seed, 'sbert');
  const generator = { version, seed, options: o };
  return {
    'config.json': sbertConfig(o, tokens.length, id, generator),
    ...wordPieceTokenizerFiles(tokens, o.maxPositions),
    'README.md': modelCard(id, 'Xenova/all-MiniLM-L6-v2', seed, o, ['onnx/model.onnx', 'onnx/model_quantized.onnx']),
    'onnx/model.onnx': buildGraph(params, o, tokens, 'fp32'),
    'onnx/model_quantized.onnx': buildGraph(params, o, tokens, 'q8'),
  };
}
