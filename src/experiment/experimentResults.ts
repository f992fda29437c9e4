import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomicWrite.js';
import type { EvalRecord } from '../eval/evalLog.js';
import { evaluationsByStep } from '../eval/evaluateRun.js';
import { extractorProvenance, type FeatureExtractor } from '../eval/featureExtractor.js';
import type { Provenance } from '../metrics/featureMatrix.js';
import type { ExperimentGrid, GridRun } from './experimentGrid.js';
import { fidPlotSvg, type PlotSeries } from './fidPlot.js';

/** Mean and sample standard deviation (null with fewer than two values) of a metric. */
export interface Spread {
  mean: number;
  std: number | null;
}

/** One row of results.csv: a setting over its seeds. */
export interface SettingResult {
  setting: string;
  mode: string;
  policy: string;
  dataFraction: number;
  /** Seeds that have evaluations, of those the grid lists. */
  seeds: number;
  steps: number;
  finalFid: Spread | null;
  bestFid: Spread | null;
  finalKid: Spread | null;
  bestKid: Spread | null;
  /** Mean FID over seeds at each evaluated step, for the plot. */
  curve: { step: number; fid: number }[];
}

export interface ExperimentResults {
  rows: SettingResult[];
  /** The real-against-real FID of the evaluation setup, when measured. */
  floorFid: number | null;
  provenance: Provenance;
}

export const RESULTS_CSV = 'results.csv';
export const RESULTS_MD = 'results.md';
export const FID_PLOT = 'fid-vs-steps.svg';

/** Mean and sample standard deviation of values; null for none. */
export function spread(values: number[]): Spread | null {
  if (values.length === 0) return null;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  if (values.length < 2) return { mean, std: null };
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1);
  return { mean, std: Math.sqrt(variance) };
}

/**
 * Collects the evaluations of every run (from each run's eval.jsonl, measured the way
 * `extractor` and `samples` say) into one row per setting, and writes results.csv,
 * results.md and the FID-against-steps plot into `out`.
 */
export function writeExperimentResults(
  grid: ExperimentGrid,
  runs: GridRun[],
  out: string,
  extractor: FeatureExtractor,
  samples: number,
): ExperimentResults {
  const expected: Provenance = {
    ...extractorProvenance(extractor),
    realSplit: 'test',
    fakeSamples: samples,
    noiseSeed: 0,
  };
  const bySetting = new Map<string, GridRun[]>();
  for (const run of runs)
    bySetting.set(run.settingId, [...(bySetting.get(run.settingId) ?? []), run]);
  const rows: SettingResult[] = [];
  let floorFid: number | null = null;
  let provenance: Provenance = expected;
  for (const [setting, group] of bySetting) {
    const finals: EvalRecord[] = [];
    const bestFids: number[] = [];
    const bestKids: number[] = [];
    const perStep = new Map<number, number[]>();
    const first = group[0] as GridRun;
    const steps = Number(first.flags.steps ?? 3000);
    for (const run of group) {
      const records = evaluationsByStep(join(out, run.folder), expected);
      const last = records[records.length - 1];
      if (last === undefined) continue;
      finals.push(last);
      bestFids.push(Math.min(...records.map((r) => r.fid)));
      bestKids.push(Math.min(...records.map((r) => r.kid)));
      for (const r of records) perStep.set(r.step, [...(perStep.get(r.step) ?? []), r.fid]);
      if (last.floor) floorFid = last.floor.fid;
      provenance = last.provenance;
    }
    rows.push({
      setting,
      mode: String(first.flags.mode ?? 'dag'),
      policy: String(first.flags.policy ?? 'rotation'),
      dataFraction: first.dataFraction,
      seeds: finals.length,
      steps,
      finalFid: spread(finals.map((r) => r.fid)),
      bestFid: spread(bestFids),
      finalKid: spread(finals.map((r) => r.kid)),
      bestKid: spread(bestKids),
      curve: [...perStep.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([step, fids]) => ({ step, fid: fids.reduce((a, b) => a + b, 0) / fids.length })),
    });
  }
  const results: ExperimentResults = { rows, floorFid, provenance };
  writeFileAtomic(join(out, RESULTS_CSV), resultsCsv(rows));
  const series: PlotSeries[] = rows.map((row) => ({
    label: row.setting,
    points: row.curve.map((p) => ({ x: p.step, y: p.fid })),
  }));
  writeFileAtomic(
    join(out, FID_PLOT),
    fidPlotSvg(series, {
      title: `${grid.name}: FID against steps (mean over seeds)`,
      xLabel: 'generator step',
      yLabel: 'FID',
      ...(floorFid !== null ? { floor: floorFid } : {}),
    }),
  );
  writeFileAtomic(join(out, RESULTS_MD), resultsMarkdown(grid, results, grid.seeds.length));
  return results;
}

const CSV_COLUMNS = [
  'setting',
  'mode',
  'policy',
  'data_fraction',
  'seeds',
  'steps',
  'final_fid_mean',
  'final_fid_std',
  'best_fid_mean',
  'best_fid_std',
  'final_kid_mean',
  'final_kid_std',
  'best_kid_mean',
  'best_kid_std',
];

/** results.csv: a header and one row per setting; a missing value is an empty field. */
export function resultsCsv(rows: SettingResult[]): string {
  const cell = (v: string | number | null | undefined): string => {
    if (v === null || v === undefined) return '';
    const text = typeof v === 'number' ? String(Number(v.toPrecision(6))) : v;
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) {
    lines.push(
      [
        r.setting,
        r.mode,
        r.policy,
        r.dataFraction,
        r.seeds,
        r.steps,
        r.finalFid?.mean,
        r.finalFid?.std,
        r.bestFid?.mean,
        r.bestFid?.std,
        r.finalKid?.mean,
        r.finalKid?.std,
        r.bestKid?.mean,
        r.bestKid?.std,
      ]
        .map(cell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function resultsMarkdown(
  grid: ExperimentGrid,
  results: ExperimentResults,
  seedCount: number,
): string {
  const show = (s: Spread | null): string => {
    if (s === null) return 'n/a';
    const mean = s.mean.toPrecision(4);
    return s.std === null ? mean : `${mean} ± ${s.std.toPrecision(2)}`;
  };
  const p = results.provenance;
  const lines = [
    `# ${grid.name}`,
    '',
    ...(grid.description ? [grid.description, ''] : []),
    `Data: ${grid.data ?? 'the embedded Fashion-MNIST subset'}; seeds ${grid.seeds.join(', ')}. ` +
      `Mean ± sample standard deviation over seeds (${seedCount} per setting). Final: the last ` +
      'checkpoint; best: the lowest value over all checkpoints of a run (FID and KID chosen ' +
      'independently). n/a: no evaluation yet.',
    '',
    `Metrics: ${p.fakeSamples} generated vs ${p.realSamples ?? '?'} real images of ` +
      `${p.realSource ?? '?'}; extractor ${p.extractor} (weights SHA-256 ` +
      `${String(p.extractorWeightsSha256).slice(0, 16)}), ${p.preprocessing}; KID ` +
      `${p.kidSubsets ?? '?'} subsets of ${p.kidSubsetSize ?? '?'}.` +
      (results.floorFid !== null
        ? ` Floor (real train vs real test, same counts): FID ${results.floorFid.toFixed(2)}.`
        : ''),
    '',
    '| setting | mode | policy | data | seeds | steps | final FID | best FID | final KID | best KID |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results.rows) {
    lines.push(
      `| ${r.setting} | ${r.mode} | ${r.policy} | ${Number((r.dataFraction * 100).toPrecision(6))}% | ` +
        `${r.seeds} | ${r.steps} | ${show(r.finalFid)} | ${show(r.bestFid)} | ` +
        `${show(r.finalKid)} | ${show(r.bestKid)} |`,
    );
  }
  lines.push('', `![FID against steps](${FID_PLOT})`, '');
  return lines.join('\n');
}
