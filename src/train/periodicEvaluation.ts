import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evalScalars, evaluateGenerator } from '../eval/evaluateGenerator.js';
import type { FeatureExtractor } from '../eval/featureExtractor.js';
import { loadExtractor } from '../eval/loadExtractor.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { saveCheckpointAs } from './checkpoint.js';
import type { TrainConfig } from './trainConfig.js';
import type { TrainingState } from './trainingState.js';

interface Best {
  step: number;
  fid: number;
}

/**
 * `train --eval-every N`: the metrics of the generator every N steps, logged with the step's
 * losses, and the best checkpoint by FID kept as `checkpoints/best.ckpt` (with `best.json`
 * saying its step and FID; a resume reads it back so "best" spans the whole run).
 */
export class PeriodicEvaluation {
  private best: Best | null;

  private constructor(
    private readonly config: TrainConfig,
    private readonly extractor: FeatureExtractor,
    private readonly checkpointDir: string,
  ) {
    const bestFile = join(checkpointDir, 'best.json');
    this.best = existsSync(bestFile) ? (JSON.parse(readFileSync(bestFile, 'utf8')) as Best) : null;
  }

  static async create(
    config: TrainConfig,
    checkpointDir: string,
  ): Promise<PeriodicEvaluation | null> {
    if (config.evalEvery <= 0) return null;
    const image = { height: config.imageSize, width: config.imageSize, channels: config.channels };
    const extractor = await loadExtractor(config.extractor, { image });
    return new PeriodicEvaluation(config, extractor, checkpointDir);
  }

  due(step: number): boolean {
    return step % this.config.evalEvery === 0 || step === this.config.steps;
  }

  /** Evaluates, keeps the best checkpoint, and returns the scalars to log. */
  async evaluate(state: TrainingState): Promise<Record<string, number>> {
    const result = await evaluateGenerator(state.generator, {
      extractor: this.extractor,
      data: this.config.data,
      samples: this.config.evalSamples,
    });
    if (this.best === null || result.fid < this.best.fid) {
      this.best = { step: state.step, fid: result.fid };
      saveCheckpointAs(state, join(this.checkpointDir, 'best.ckpt'));
      writeFileAtomic(join(this.checkpointDir, 'best.json'), `${JSON.stringify(this.best)}\n`);
    }
    return evalScalars(result);
  }

  get bestFid(): Best | null {
    return this.best;
  }

  dispose(): void {
    this.extractor.dispose();
  }
}
