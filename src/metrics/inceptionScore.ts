import type { Provenance } from './featureMatrix.js';

/** Inception-style score: exp(E_x KL(p(y|x) || p(y))), over splits. */
export interface InceptionScoreResult {
  metric: 'is';
  /** Mean of the per-split scores. */
  value: number;
  /** Population standard deviation of the per-split scores. */
  std: number;
  splits: number;
  samples: number;
  classes: number;
  provenance: Provenance;
}

/** How far a row's sum may be from 1 before the input is rejected as not probabilities. */
const SUM_TOLERANCE = 1e-3;

/**
 * Inception-style score of class probabilities [samples, classes] (each row a distribution,
 * e.g. a classifier's softmax). The rows are cut into `splits` contiguous parts, in order (no
 * shuffling), as the original evaluation does; each part's score uses its own marginal p(y).
 */
export function inceptionScore(
  probabilities: Float64Array | Float32Array,
  samples: number,
  classes: number,
  { splits = 10, provenance = {} }: { splits?: number; provenance?: Provenance } = {},
): InceptionScoreResult {
  if (probabilities.length !== samples * classes || classes < 1) {
    throw new Error(
      `inceptionScore: expected probabilities of shape [samples, classes] = [${samples}, ` +
        `${classes}], got ${probabilities.length} values`,
    );
  }
  if (!Number.isInteger(splits) || splits < 1 || splits > samples) {
    throw new Error(`inceptionScore: expected 1 <= splits <= samples (${samples}), got ${splits}`);
  }
  checkProbabilities(probabilities, samples, classes);
  const scores: number[] = [];
  const marginal = new Float64Array(classes);
  for (let s = 0; s < splits; s++) {
    const start = Math.floor((s * samples) / splits);
    const end = Math.floor(((s + 1) * samples) / splits);
    marginal.fill(0);
    for (let i = start; i < end; i++) {
      for (let c = 0; c < classes; c++) {
        marginal[c] = (marginal[c] as number) + (probabilities[i * classes + c] as number);
      }
    }
    for (let c = 0; c < classes; c++) marginal[c] = (marginal[c] as number) / (end - start);
    let kl = 0;
    for (let i = start; i < end; i++) {
      for (let c = 0; c < classes; c++) {
        const p = probabilities[i * classes + c] as number;
        // 0 log 0 = 0; p > 0 implies marginal > 0.
        if (p > 0) kl += p * (Math.log(p) - Math.log(marginal[c] as number));
      }
    }
    scores.push(Math.exp(kl / (end - start)));
  }
  const value = scores.reduce((p, x) => p + x, 0) / splits;
  const std = Math.sqrt(scores.reduce((p, x) => p + (x - value) ** 2, 0) / splits);
  return { metric: 'is', value, std, splits, samples, classes, provenance };
}

function checkProbabilities(p: ArrayLike<number>, samples: number, classes: number): void {
  for (let i = 0; i < samples; i++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const v = p[i * classes + c] as number;
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new Error(
          `inceptionScore: expected probabilities (non-negative, rows summing to 1), got ` +
            `${v} at row ${i}, class ${c}; pass softmax outputs, not logits`,
        );
      }
      sum += v;
    }
    if (Math.abs(sum - 1) > SUM_TOLERANCE) {
      throw new Error(
        `inceptionScore: expected each row to sum to 1 within ${SUM_TOLERANCE}, got ${sum} at ` +
          `row ${i}; pass softmax outputs, not logits`,
      );
    }
  }
}
