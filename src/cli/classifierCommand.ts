import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BACKEND_CHOICES, selectBackend } from '../backends/selectBackend.js';
import { classifierAccuracy } from '../classifier/classifierAccuracy.js';
import {
  CLASSIFIER_MANIFEST,
  loadClassifier,
  saveClassifier,
} from '../classifier/classifierWeights.js';
import {
  ACCURACY_FILE,
  SHIPPED_CLASSIFIER,
  shippedClassifierDir,
  type AccuracyRecord,
} from '../classifier/shippedClassifier.js';
import { trainClassifier } from '../classifier/trainClassifier.js';
import { loadDataset } from '../data/loadDataset.js';
import { UserError } from '../errors.js';
import { writeFileAtomic } from '../io/atomicWrite.js';
import { choiceFlag, numberFlag, parseFlags } from './flags.js';

const HELP = `usage:
  dag-gan classifier train [--data DIR|NAME] [--steps N] [--out DIR] [flags]
  dag-gan classifier accuracy [--model DIR] [--data DIR|NAME] [--limit N]

train: trains the small CNN whose penultimate features dag-gan eval uses for FID, KID and
precision/recall and whose softmax gives the Inception-style score. Writes classifier.json,
weights.bin and accuracy.json (accuracy on the whole test split of --data) into --out.
  --data DIR|NAME   IDX folder with train-* and t10k-* files (all of Fashion-MNIST for the
                    shipped weights); default: the embedded subset (6000 train, 2000 test)
  --steps N         Adam steps                                             [4000]
  --batch N         batch size                                             [64]
  --lr X            peak learning rate (half-cosine decay)                 [1e-3]
  --seed N          seed of the initial weights and the batch order        [0]
  --out DIR         output folder                        [runs/classifier]
  --force           replace a classifier already in --out (the shipped one is
                    ${SHIPPED_CLASSIFIER})
  --backend B       auto | torch | wasm | cpu                              [auto]

accuracy: measures a classifier folder on the test split of --data.
  --model DIR       classifier folder               [the shipped one]
  --limit N         only the first N test images    [all]`;

const FLAGS = {
  help: { type: 'boolean', short: 'h' },
  data: { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  lr: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  force: { type: 'boolean' },
  model: { type: 'string' },
  limit: { type: 'string' },
  backend: { type: 'string' },
} as const;

/** `dag-gan classifier <train|accuracy> ...`. */
export async function classifierCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    console.log(HELP);
    return;
  }
  if (sub !== 'train' && sub !== 'accuracy') {
    throw new UserError(
      `dag-gan classifier: unknown subcommand '${sub}'; expected train or accuracy`,
    );
  }
  const { values, positionals } = parseFlags(`classifier ${sub}`, rest, FLAGS);
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (positionals.length > 0) {
    throw new UserError(`dag-gan classifier ${sub}: unexpected argument '${positionals[0]}'`);
  }
  const backends = BACKEND_CHOICES;
  const backendChoice = choiceFlag('backend', values.backend, backends, 'auto');
  const backend = await selectBackend(backendChoice);
  const data = values.data;
  if (sub === 'accuracy') {
    const folder = values.model ?? shippedClassifierDir();
    const test = loadDataset({ ...(data !== undefined ? { data } : {}), split: 'test' });
    const limit = numberFlag('limit', values.limit, test.count, { min: 1, integer: true });
    const { network, manifest } = loadClassifier(folder);
    try {
      const result = classifierAccuracy(network, test, { limit });
      console.log(
        `accuracy ${(100 * result.accuracy).toFixed(2)}% (${result.correct}/${result.total} of ` +
          `${test.source}; weights ${manifest.sha256.slice(0, 12)})`,
      );
      const recorded = join(folder, ACCURACY_FILE);
      if (existsSync(recorded)) {
        const record = JSON.parse(readFileSync(recorded, 'utf8')) as AccuracyRecord;
        console.log(`recorded: ${(100 * record.accuracy).toFixed(2)}% on ${record.testSet}`);
      }
    } finally {
      network.dispose();
    }
    return;
  }
  for (const flag of ['model', 'limit'] as const) {
    if (values[flag] !== undefined) {
      throw new UserError(`dag-gan classifier train: --${flag} applies to 'classifier accuracy'`);
    }
  }
  const steps = numberFlag('steps', values.steps, 4000, { min: 1, integer: true });
  const batch = numberFlag('batch', values.batch, 64, { min: 1, integer: true });
  const learningRate = numberFlag('lr', values.lr, 1e-3, { min: 0, exclusiveMin: true });
  const seed = numberFlag('seed', values.seed, 0, { min: 0, max: 2 ** 32 - 1, integer: true });
  const out = values.out ?? join('runs', 'classifier');
  if (existsSync(join(out, CLASSIFIER_MANIFEST)) && values.force !== true) {
    throw new UserError(
      `--out ${out}: already holds a classifier; pass --force to replace it` +
        (resolve(out) === resolve(SHIPPED_CLASSIFIER)
          ? ' (it is the shipped one the metrics use)'
          : ''),
    );
  }
  const train = loadDataset({ ...(data !== undefined ? { data } : {}), split: 'train' });
  const test = loadDataset({ ...(data !== undefined ? { data } : {}), split: 'test' });
  process.stderr.write(
    `dag-gan classifier train: ${train.count} images of ${train.source}, ${steps} steps of ` +
      `${batch} on ${backend} -> ${out}\n`,
  );
  const started = performance.now();
  const network = trainClassifier(train, {
    steps,
    batch,
    learningRate,
    seed,
    reportEvery: 100,
    onProgress: (step, loss) => {
      const seconds = (performance.now() - started) / 1000;
      process.stderr.write(
        `step ${step}/${steps} loss ${loss.toFixed(4)} (${seconds.toFixed(0)} s)\n`,
      );
    },
  });
  try {
    const seconds = (performance.now() - started) / 1000;
    const training = {
      data: train.source,
      trainImages: train.count,
      steps,
      batch,
      learningRate,
      seed,
      backend,
      seconds: Math.round(seconds),
    };
    const sha256 = saveClassifier(network, out, training);
    const result = classifierAccuracy(network, test);
    const record: AccuracyRecord = {
      ...result,
      testSet: test.source,
      weightsSha256: sha256,
      training,
    };
    writeFileAtomic(join(out, ACCURACY_FILE), `${JSON.stringify(record, null, 2)}\n`);
    console.log(
      `test accuracy ${(100 * result.accuracy).toFixed(2)}% (${result.correct}/${result.total} ` +
        `of ${test.source}); weights ${sha256.slice(0, 12)} in ${out}`,
    );
  } finally {
    network.dispose();
  }
}
