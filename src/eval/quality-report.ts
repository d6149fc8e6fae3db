import { DEFAULT_FIRST_STAGE, describeFirstStage, type FirstStageScoring } from '../retrieval/scoring.ts';
import type { ConfigResult } from './evaluate.ts';
import type { QueryMetrics } from './metrics.ts';
import type { Half } from './query-set.ts';
import type { EvalReport } from './run-eval.ts';

/** The evaluation as Markdown tables (what `npm run eval` prints and writes to bench/QUALITY.md). Pure. */

const f = (n: number | undefined) => (n === undefined ? '–' : n.toFixed(3));

function metricCells(m: (QueryMetrics & { queries: number }) | undefined): string {
  return m ? `${f(m.p10)} | ${f(m.ndcg10)} | ${f(m.mrr)} | ${f(m.recall)}` : '– | – | – | –';
}

function halfTable(configs: readonly ConfigResult[], half: Half, n: number): string[] {
  const lines = [
    `| configuration | literal P@10 | nDCG@10 | MRR | recall@${n} | paraphrase P@10 | nDCG@10 | MRR | recall@${n} |`,
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const c of configs) lines.push(`| ${c.name} | ${metricCells(c.cells[`literal/${half}`])} | ${metricCells(c.cells[`paraphrase/${half}`])} |`);
  return lines;
}

export interface TargetCheck {
  name: string;
  goal: string;
  value: string;
  met: boolean;
}

/** The issue's targets, on the test half with the default configuration. */
export function checkQualityTargets(report: EvalReport): TargetCheck[] {
  const by = (name: string) => report.configs.find((c) => c.name === name);
  const def = by('hybrid + tags (default)')?.cells;
  const dense = by('dense only')?.cells;
  const lexical = by('lexical only')?.cells;
  if (!def || !dense || !lexical) return [];
  const out: TargetCheck[] = [];
  for (const cell of ['literal/test', 'all/test'] as const) {
    const d = def[cell]?.p10 ?? 0;
    const dn = dense[cell]?.p10 ?? 0;
    const lx = lexical[cell]?.p10 ?? 0;
    out.push({ name: `P@10 vs dense only (${cell})`, goal: '≥ 2×', value: `${f(d)} vs ${f(dn)} (${dn ? (d / dn).toFixed(2) : '∞'}×)`, met: d >= 2 * dn });
    out.push({ name: `P@10 vs lexical only (${cell})`, goal: '≥ 1.5×', value: `${f(d)} vs ${f(lx)} (${lx ? (d / lx).toFixed(2) : '∞'}×)`, met: d >= 1.5 * lx });
  }
  const recall = def['literal/test']?.recall ?? 0;
  out.push({ name: `first-stage recall@${report.candidates} (literal/test)`, goal: '≥ 0.9', value: f(recall), met: recall >= 0.9 });
  return out;
}

/** A grid point or the defaults in words: "hybrid (convex, lexical 0.1) + tags (boost 1), tag terms ×4". */
function scoringText(s: Partial<FirstStageScoring> | null): string {
  if (!s) return '(not tuned)';
  const full: FirstStageScoring = { ...DEFAULT_FIRST_STAGE, ...s };
  return `${describeFirstStage(full)}${full.understanding ? `, tag terms ×${full.tagTermWeight}` : ''}`;
}

export function formatQualityReport(r: EvalReport): string {
  const n = r.candidates;
  const lines: string[] = [
    `Index **${r.index.name}** (${r.index.tracks} tracks, ${r.index.mode}), text model \`${r.index.textModel}\`; ${n} candidates; run ${r.startedAt} (${r.durationSec} s).`,
    `Queries: ${Object.entries(r.queries).map(([k, v]) => `${k} ${v}`).join(', ')}. Relevant = the tracks carrying both tags the prompt names.`,
    '',
    '### Test half (never tuned on)',
    '',
    ...halfTable(r.configs, 'test', n),
    '',
    '### Dev half (tuned on)',
    '',
    ...halfTable(r.configs, 'dev', n),
    '',
    '### Targets (test half, default configuration)',
    '',
    '| target | goal | value | met |',
    '|---|---|---|---|',
    ...checkQualityTargets(r).map((t) => `| ${t.name} | ${t.goal} | ${t.value} | ${t.met ? 'yes' : '**no**'} |`),
    '',
    '### Tuning (dev half: mean P@10 over both splits)',
    '',
    `Defaults in the code: ${scoringText(r.defaults)}.`,
    `Best on dev with tags: ${scoringText(r.chosen.understanding)}. Best plain hybrid (no tags): ${scoringText(r.chosen.plain)}.`,
  ];
  if (r.tuning.understanding.length) {
    const bestOf = (rows: typeof r.tuning.plain, fusion: string) => rows.find((row) => row.firstStage.fusion === fusion);
    lines.push('', 'Fusion compared (best grid point of each, dev P@10 / nDCG@10):', '', '| | convex | RRF (k = 60) |', '|---|---|---|');
    for (const [name, rows] of [['with tags', r.tuning.understanding], ['plain hybrid', r.tuning.plain]] as const) {
      const cell = (row: (typeof rows)[number] | undefined) => (row ? `${f(row.p10)} / ${f(row.ndcg10)}${row.firstStage.fusion === 'convex' ? ` (lexical ${row.firstStage.lexicalWeight})` : ''}` : '–');
      lines.push(`| ${name} | ${cell(bestOf(rows, 'convex'))} | ${cell(bestOf(rows, 'rrf'))} |`);
    }
    lines.push('', `The ${Math.min(12, r.tuning.understanding.length)} best of ${r.tuning.understanding.length} grid points with tags:`, '');
    lines.push('| fusion | lexical weight | tag boost | tag-term weight | dev P@10 | dev nDCG@10 |', '|---|---:|---:|---:|---:|---:|');
    for (const row of r.tuning.understanding.slice(0, 12)) {
      const s = row.firstStage;
      lines.push(`| ${s.fusion} | ${s.fusion === 'rrf' ? '–' : s.lexicalWeight} | ${s.tagBoost} | ${s.tagTermWeight} | ${f(row.p10)} | ${f(row.ndcg10)} |`);
    }
    lines.push('', 'Plain hybrid (no tags), every fusion tried:', '', '| fusion | lexical weight | dev P@10 | dev nDCG@10 |', '|---|---:|---:|---:|');
    for (const row of r.tuning.plain) lines.push(`| ${row.firstStage.fusion} | ${row.firstStage.fusion === 'rrf' ? '–' : row.firstStage.lexicalWeight} | ${f(row.p10)} | ${f(row.ndcg10)} |`);
  }
  lines.push('', "### The prototype README's prompts (default configuration, top 5)", '');
  for (const ex of r.examples) {
    lines.push(`**"${ex.prompt}"** — understood: ${ex.understood}`, '', '| # | track | tags | matched |', '|---:|---|---|---|');
    for (const row of ex.results) lines.push(`| ${row.rank} | ${row.trackId} | ${row.tags || '–'} | ${row.matched.join(' · ') || '–'} |`);
    lines.push('');
  }
  return lines.join('\n').trimEnd();
}
