import { join } from 'node:path';
import { UserError } from '../errors.js';
import { Generator } from '../models/generator.js';
import { Random } from '../random/random.js';
import { latestUsableCheckpoint, restoreGenerator } from './checkpoint.js';
import { readRunConfig } from './runTraining.js';
import type { TrainConfig } from './trainConfig.js';

/** The generator of a run folder at its newest usable checkpoint (or at `checkpoint`). */
export function loadGenerator(
  run: string,
  checkpoint?: string,
): { generator: Generator; config: TrainConfig; step: number; file: string } {
  const config = readRunConfig(run);
  const file =
    checkpoint ?? latestUsableCheckpoint(join(run, 'checkpoints'), () => undefined)?.path ?? null;
  if (file === null) {
    throw new UserError(`--run ${run}: no usable checkpoint in ${join(run, 'checkpoints')}`);
  }
  const generator = new Generator(
    {
      latentDim: config.latentDim,
      dim: config.dim,
      imageSize: config.imageSize,
      channels: config.channels,
      kernelSize: config.generatorKernel,
    },
    new Random(0),
  );
  const step = restoreGenerator(generator, file);
  return { generator, config, step, file };
}
