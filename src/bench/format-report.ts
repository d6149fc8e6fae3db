import { type FaissScalingEntry, formatSearchParams } from './faiss-scaling.ts';
import { machineLine } from './machine.ts';
import type { BenchReport, FaissOnlyReport, SimilarOnlyReport, TrackSearchReport } from './run-bench.ts';
import type { Summary } from './stats.ts';
import type { TrackSearchEntry } from './track-search.ts';

const ms = (x: number) => (x < 1 ? x.toFixed(3) : x.toFixed(2));
/** A Markdown table row, and a header with its alignment row (also used by the bot load report). */
export const row = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
export const header = (cells: readonly string[], align: readonly ('l' | 'r')[]) => [
  row(cells),
  row(align.map((a) => (a === 'l' ? '---' : '---:'))),
];
const latency = (name: string, s: Summary) => row([name, ms(s.p50), ms(s.p95), ms(s.p99), ms(s.mean), s.n]);

function servingTables(r: BenchReport): string[] {
  const st = r.stages;
  return [
    ...header(['stage (ms)', 'p50', 'p95', 'p99', 'mean', 'n'], ['l', 'r', 'r', 'r', 'r', 'r']),
    latency('tokenize + SBERT text embedding', st.textEmbed),
    latency(`first stage: ${r.index.firstStage ?? 'dense'} — FAISS top 300 (${r.index.factory})${r.index.firstStage?.startsWith('dense') === false ? ', BM25F, fusion' : ''}`, st.search),
    latency('CLAP text embedding', st.clapTextEmbed),
    latency('rerank', st.rerank),
    latency('**end to end, uncached** (bot path)', r.endToEnd),
    latency('**cache hit** (bot path)', r.cacheHit),
    '',
    ...header(['concurrency', 'queries/s', 'latency p50 (ms)', 'latency p95 (ms)', 'event-loop lag p99 (ms)', 'lag max (ms)'], ['r', 'r', 'r', 'r', 'r', 'r']),
    ...r.throughput.map((t) => row([t.concurrency, t.queriesPerSec, ms(t.latency.p50), ms(t.latency.p95), ms(t.eventLoopLag.p99Ms), ms(t.eventLoopLag.maxMs)])),
  ];
}

function lexicalTables(lexical: BenchReport['lexical']): string[] {
  if (!lexical) return ['(lexical stage not run)'];
  return [
    'Lexical libraries on the real catalog, same fields, weights and analyzer (plain word queries, top 300, one at a time):',
    '',
    ...header(['library', 'build (ms)', 'serialized (MB)', 'load (ms)', 'query p50 (ms)', 'p95 (ms)'], ['l', 'r', 'r', 'r', 'r', 'r']),
    ...lexical.libraries.map((e) => row([e.library, e.buildMs, e.fileMb, e.loadMs, ms(e.p50Ms), ms(e.p95Ms)])),
    '',
    'Lexical stage by catalog size (synthetic documents from the Jamendo catalog; query = understanding + BM25F top 300):',
    '',
    ...header(['documents', 'build (s)', 'lexical.bin (MB)', 'load (ms)', 'memory (MB)', 'terms', 'postings', 'query p50 (ms)', 'p95 (ms)'], ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']),
    ...lexical.scaling.map((e) =>
      row([e.size.toLocaleString('en-US'), (e.buildMs / 1000).toFixed(1), e.fileMb, e.loadMs, e.memoryMb, e.terms.toLocaleString('en-US'), e.postings.toLocaleString('en-US'), ms(e.p50Ms), ms(e.p95Ms)]),
    ),
  ];
}

/** The track-search table (also the body of the section `--track-search-only` writes). */
export function trackSearchTable(entries: readonly TrackSearchEntry[] | undefined): string[] {
  if (!entries?.length) return ['(track search not run)'];
  return [
    'Track search (autocomplete, seed lookup) by catalog size: TrackFinder build and `find` top 25 over queries typed as people type them (ids and numbers cut short, 1–3 words of a title, artist or caption, the last often unfinished), one at a time:',
    '',
    ...header(['tracks', 'kind', 'build (ms)', 'memory (MB)', 'heap growth (MB)', 'name terms', 'queries', 'p50 (ms)', 'p95 (ms)', 'p99 (ms)', 'typed-from track in top 25'], ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']),
    ...entries.map((e) =>
      row([e.size.toLocaleString('en-US'), e.kind, e.buildMs, e.memoryMb, e.heapGrowthMb, e.nameTerms.toLocaleString('en-US'), e.queries, ms(e.p50Ms), ms(e.p95Ms), ms(e.p99Ms), `${Math.round(e.foundShare * 100)}%`]),
    ),
  ];
}

/** "More like this": similar() on the bench index, and its audio side by catalog size. */
export function similarTables(similar: BenchReport['similar'] | undefined): string[] {
  if (!similar) return ['(similar not run)'];
  const i = similar.index;
  const lines = [
    `"More like this" on the bench index (${i.tracks.toLocaleString('en-US')} tracks, ${i.basis}, audio.faiss ${i.audioFactory ?? '—'}): similar() for ${i.queries} seeds, ${i.k} results in pages of ${i.pageSize}, p50 ${ms(i.p50Ms)} ms, p95 ${ms(i.p95Ms)} ms.`,
  ];
  if (!similar.scaling.length) return lines;
  return [
    ...lines,
    '',
    'Its audio side by catalog size (synthetic 512-d unit vectors; seed\'s top 300 in audio.faiss, exact rescoring, ≤ 2 per artist per page of 10, top 50; recall against a full scan on the same seeds; index memory computed: vectors, ids, centroids):',
    '',
    ...header(['tracks', 'audio.faiss', 'build (s)', 'memory (MB)', 'queries', 'p50 (ms)', 'p95 (ms)', 'recall of the top 50'], ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r']),
    ...similar.scaling.map((e) => row([e.tracks.toLocaleString('en-US'), e.factory, e.buildSec, e.indexMb, e.queries, ms(e.p50Ms), ms(e.p95Ms), e.recall])),
  ];
}

/** `--similar-only`: the machine and the similar tables. */
export function formatSimilarReport(r: SimilarOnlyReport): string {
  return [`Run ${r.startedAt.slice(0, 19).replace('T', ' ')} UTC, ${r.durationSec} s. Machine: ${machineLine(r.machine)}.`, '', ...similarTables(r.similar)].join('\n');
}

/** `--faiss-only`: the machine and the table. */
export function formatFaissReport(r: FaissOnlyReport): string {
  return [`Run ${r.startedAt.slice(0, 19).replace('T', ' ')} UTC, ${r.durationSec} s. Machine: ${machineLine(r.machine)}.`, '', ...faissTable(r.faiss)].join('\n');
}

/** `--track-search-only`: the machine and the table. */
export function formatTrackSearchReport(r: TrackSearchReport): string {
  return [`Run ${r.startedAt.slice(0, 19).replace('T', ' ')} UTC, ${r.durationSec} s. Machine: ${machineLine(r.machine)}.`, '', ...trackSearchTable(r.trackSearch)].join('\n');
}

function faissTable(entries: readonly FaissScalingEntry[]): string[] {
  if (entries.length === 0) return ['(FAISS scaling not run)'];
  const params = (e: FaissScalingEntry) => formatSearchParams(e.searchParams) || '—';
  return [
    'Each build and each search runs in a process of its own (peak RSS: of the process that built the index, and of the one that read its file and searched it); load: the 1-minute load average as the search began.',
    '',
    ...header(
      ['vectors', 'index', 'search params', 'p50 (ms)', 'p95 (ms)', 'recall@300', 'memory (MB)', 'build (s)', 'peak RSS build / search (MB)', 'load'],
      ['r', 'l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
    ),
    ...entries.map((e) =>
      row([
        e.size.toLocaleString('en-US'),
        e.factory,
        params(e),
        ms(e.p50Ms),
        ms(e.p95Ms),
        e.recallAt300.toFixed(4),
        e.memoryMb.toFixed(1),
        (e.buildMs / 1000).toFixed(1),
        `${e.peakRssMb.build} / ${e.peakRssMb.search}`,
        e.loadAverage.toFixed(2),
      ]),
    ),
  ];
}

/** The report as Markdown: the human table of `npm run bench`, also the body of bench/RESULTS.md. */
export function formatReport(r: BenchReport): string {
  const b = r.build;
  const mark = (met: boolean | null) => (met === null ? '—' : met ? 'met' : '**missed**');
  return [
    `Run ${r.startedAt.slice(0, 19).replace('T', ' ')} UTC, ${r.durationSec} s. Machine: ${machineLine(r.machine)}; 1-minute load average ${r.loadAverage.start} at the start, ${r.loadAverage.end} at the end (other work shares it).`,
    `Models: ${r.models.sbertId} + ${r.models.clapId} (${r.models.dtype}, ORT_THREADS ${r.models.threads || 'default'}) from ${r.models.label === 'tiny' || r.models.label === 'full' ? `the generated "${r.models.label}" set` : r.models.label}.`,
    `Index: ${r.index.name}, ${r.index.tracks.toLocaleString('en-US')} tracks, ${r.index.factory}, ${r.index.mode}. Cache: ${r.cache}.`,
    '',
    `Cold start ${r.coldStartMs} ms (index load ${r.coldStart.indexMs} ms and worker + models ${r.coldStart.modelsMs} ms, in parallel). Peak RSS of the serving process ${Math.round(r.peakRssMb)} MB.`,
    '',
    ...servingTables(r),
    '',
    `Index build: ${b.captionsPerSec === null ? 'not run (--index given)' : `${b.captionsPerSec} captions/s (SBERT over ${b.tracks} captions + tags in ${b.textSeconds} s; whole build ${b.totalSeconds} s)`}.` +
      (b.audio
        ? ` Audio: ${b.audio.clipsPerSec} clips/s, ${b.audio.windowsPerSec} windows/s (${b.audio.model} audio tower; clip p50 ${ms(b.audio.msPerClip.p50)} ms${b.audio.onnxMsPerWindow !== undefined ? `; per window log-mel ${b.audio.melMsPerWindow} ms${b.audio.melJsMsPerWindow !== undefined ? ` (JS extractor ${b.audio.melJsMsPerWindow} ms)` : ''}, ONNX ${b.audio.onnxMsPerWindow} ms` : ''}; build loop with decoding ${b.audio.tracksPerSecBuildLoop} tracks/s${b.audio.decodeMsPerTrack !== undefined ? `, decode p50 ${b.audio.decodeMsPerTrack} ms per track, ${b.audio.buildLoopDecodeWaitMs} ms waiting for decodes` : ''}).`
        : ' Audio: not run.'),
    '',
    ...faissTable(r.faiss),
    '',
    ...lexicalTables(r.lexical ?? null),
    '',
    ...trackSearchTable(r.trackSearch),
    '',
    ...similarTables(r.similar),
    '',
    ...header(['target', 'goal', 'measured', ''], ['l', 'r', 'r', 'l']),
    ...r.targets.map((t) => row([t.name, t.target, t.value === null ? '—' : `${t.value < 1 ? ms(t.value) : Math.round(t.value * 100) / 100} ${t.unit}`, mark(t.met)])),
  ].join('\n');
}
