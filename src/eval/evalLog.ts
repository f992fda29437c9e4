import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomicWrite.js';
import type { Provenance } from '../metrics/featureMatrix.js';
import type { EvalResult, FloorResult } from './evaluateGenerator.js';

/** One line of a run's `eval.jsonl`: the metrics of one checkpoint. */
export interface EvalRecord {
  step: number;
  checkpoint: string;
  /** ISO time of the evaluation. */
  time: string;
  fid: number;
  kid: number;
  kidStd: number;
  precision: number;
  recall: number;
  inceptionScore: number | null;
  inceptionScoreStd: number | null;
  /** FID's two parts: ||mu_r - mu_f||^2 and the covariance term. */
  fidMeanTerm: number;
  fidCovarianceTerm: number;
  floor: FloorResult | null;
  provenance: Provenance;
}

/** The record of `result` for the checkpoint of `step` in `checkpoint`. */
export function evalRecord(result: EvalResult, step: number, checkpoint: string): EvalRecord {
  return {
    step,
    checkpoint,
    time: new Date().toISOString(),
    fid: result.fid,
    kid: result.kid,
    kidStd: result.kidStd,
    precision: result.precision,
    recall: result.recall,
    inceptionScore: result.inceptionScore,
    inceptionScoreStd: result.inceptionScoreStd,
    fidMeanTerm: result.details.fid.meanTerm,
    fidCovarianceTerm: result.details.fid.covarianceTerm,
    floor: result.floor,
    provenance: result.provenance,
  };
}

/** Records of an `eval.jsonl`, skipping a torn or foreign line. */
export function readEvalLog(path: string): EvalRecord[] {
  if (!existsSync(path)) return [];
  const records: EvalRecord[] = [];
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const record = JSON.parse(line) as EvalRecord;
      if (typeof record.step === 'number' && typeof record.fid === 'number') records.push(record);
    } catch {
      // A line cut short by a crash of an older writer; the rest is still usable.
    }
  }
  return records;
}

/**
 * Appends records to `eval.jsonl` by rewriting it whole through an atomic rename, so a
 * reader never sees half a line even when the process dies mid-write.
 */
export function appendEvalLog(path: string, records: EvalRecord[]): void {
  const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const head = before === '' || before.endsWith('\n') ? before : `${before}\n`;
  writeFileAtomic(path, head + records.map((r) => `${JSON.stringify(r)}\n`).join(''));
}

/**
 * Whether `record` was measured the way `provenance` describes: every field it names among
 * the extractor, its weights, preprocessing, real set and sample counts agrees.
 */
export function sameSetup(record: EvalRecord, provenance: Provenance): boolean {
  const fields = [
    'extractor',
    'extractorWeightsSha256',
    'preprocessing',
    'realSource',
    'realSplit',
    'fakeSamples',
    'noiseSeed',
  ];
  return fields.every(
    (field) => !(field in provenance) || record.provenance[field] === provenance[field],
  );
}
