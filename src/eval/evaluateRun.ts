import { join } from 'node:path';
import { UserError } from '../errors.js';
import type { Provenance } from '../metrics/featureMatrix.js';
import { listCheckpoints } from '../train/checkpoint.js';
import { loadGenerator } from '../train/loadGenerator.js';
import { evaluateGenerator, type EvaluateOptions } from './evaluateGenerator.js';
import { extractorProvenance } from './featureExtractor.js';
import { appendEvalLog, evalRecord, readEvalLog, sameSetup, type EvalRecord } from './evalLog.js';

/** The file of a run folder that collects its evaluations, one record per checkpoint. */
export const EVAL_LOG = 'eval.jsonl';

export interface EvaluateRunOptions extends Omit<EvaluateOptions, 'data'> {
  /** One checkpoint file; default the newest usable one. */
  checkpoint?: string;
  /** Every checkpoint of the run, oldest first. */
  all?: boolean;
  /** Leave out checkpoints that eval.jsonl already holds with the same setup. */
  skipEvaluated?: boolean;
  /** Called after each checkpoint with its record. */
  onRecord?: (record: EvalRecord) => void;
}

/**
 * Evaluates checkpoints of a training run against the real split of the run's own data
 * source (its `--data`), appending one record per checkpoint to `<run>/eval.jsonl`. Returns
 * the records written.
 */
export async function evaluateRun(run: string, options: EvaluateRunOptions): Promise<EvalRecord[]> {
  const logPath = join(run, EVAL_LOG);
  let files: string[];
  if (options.all) {
    files = listCheckpoints(join(run, 'checkpoints'))
      .reverse()
      .map((entry) => entry.path);
    if (files.length === 0) {
      throw new UserError(`--run ${run}: no checkpoints in ${join(run, 'checkpoints')}`);
    }
  } else {
    files = [options.checkpoint ?? ''];
  }
  const expected: Provenance = {
    ...extractorProvenance(options.extractor),
    realSplit: options.realSplit ?? 'test',
    fakeSamples: options.samples ?? 2000,
    noiseSeed: options.seed ?? 0,
  };
  const done = options.skipEvaluated
    ? readEvalLog(logPath).filter((record) => sameSetup(record, expected))
    : [];
  const written: EvalRecord[] = [];
  for (const file of files) {
    const known = listCheckpoints(join(run, 'checkpoints')).find((entry) => entry.path === file);
    if (known !== undefined && done.some((record) => record.step === known.step)) continue;
    const {
      generator,
      config,
      step,
      file: used,
    } = loadGenerator(run, file === '' ? undefined : file);
    try {
      const result = await evaluateGenerator(generator, { ...options, data: config.data });
      const record = evalRecord(result, step, used);
      appendEvalLog(logPath, [record]);
      written.push(record);
      options.onRecord?.(record);
    } finally {
      generator.dispose();
    }
  }
  return written;
}

/** The run's evaluation records of one setup, by step (the newest record of a step wins). */
export function evaluationsByStep(run: string, expected: Provenance): EvalRecord[] {
  const byStep = new Map<number, EvalRecord>();
  for (const record of readEvalLog(join(run, EVAL_LOG))) {
    if (sameSetup(record, expected)) byStep.set(record.step, record);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}
