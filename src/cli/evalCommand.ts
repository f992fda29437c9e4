import { BACKEND_CHOICES, selectBackend } from '../backends/selectBackend.js';
import { UserError } from '../errors.js';
import type { EvalRecord } from '../eval/evalLog.js';
import { evaluateRun, EVAL_LOG } from '../eval/evaluateRun.js';
import { realFloor } from '../eval/realFloor.js';
import { loadExtractor } from '../eval/loadExtractor.js';
import { VALUE_RANGES, type TfjsPreprocessing } from '../eval/tfjsModelExtractor.js';
import { readRunConfig } from '../train/runTraining.js';
import { choiceFlag, numberFlag, parseFlags } from './flags.js';

const HELP = `usage:
  dag-gan eval --run DIR [--checkpoint FILE | --all] [flags]
  dag-gan eval --floor [--data DIR|NAME] [flags]

Measures FID, KID, precision/recall and the Inception-style score of a run's generator against
real images (the held-out test split of the run's --data by default), with the floor: the
same metrics of real training images against the real test images. Appends one record per
checkpoint to DIR/${EVAL_LOG}. Real features are cached (\$XDG_CACHE_HOME/dag-gan, else
.cache/dag-gan in the package), keyed by data, split, sample count and extractor.

  --run DIR            a training run's --out folder
  --checkpoint FILE    one checkpoint                              [the newest]
  --all                every checkpoint of the run, oldest first
  --floor              only the real-against-real floor (of --data, or of --run's data)
  --data DIR|NAME      real data for --floor without --run         [embedded subset]
  --samples N          generated samples, and real samples (capped at the split)   [2000]
  --real-split S       test | train                                [test]
  --seed N             seed of the generator's noise               [0]
  --kid-subsets N      KID subsets                                 [50]
  --kid-subset-size N  samples per KID subset                      [500]
  --extractor E        default (the shipped Fashion-MNIST classifier, 28x28x1 images),
                       a dag-gan classifier folder, or a TensorFlow.js model folder
                       (model.json, layers or graph format)        [default]
  --extractor-size N   resize images to NxN for a tfjs model (bilinear)  [its input size]
  --extractor-range R  value range the tfjs model expects: -1,1 | 0,1 | 0,255  [-1,1]
  --extractor-channels C  1 | 3 (3 replicates gray to RGB)         [its input channels]
  --json               one JSON record per line instead of text
  --backend B          auto | torch | wasm | cpu                   [auto]`;

const FLAGS = {
  help: { type: 'boolean', short: 'h' },
  run: { type: 'string' },
  checkpoint: { type: 'string' },
  all: { type: 'boolean' },
  floor: { type: 'boolean' },
  data: { type: 'string' },
  samples: { type: 'string' },
  'real-split': { type: 'string' },
  seed: { type: 'string' },
  'kid-subsets': { type: 'string' },
  'kid-subset-size': { type: 'string' },
  extractor: { type: 'string' },
  'extractor-size': { type: 'string' },
  'extractor-range': { type: 'string' },
  'extractor-channels': { type: 'string' },
  json: { type: 'boolean' },
  backend: { type: 'string' },
} as const;

/** `dag-gan eval ...`: metrics of a run's checkpoints, or the real-against-real floor. */
export async function evalCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags('eval', argv, FLAGS);
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (positionals.length > 0) {
    throw new UserError(
      `dag-gan eval: unexpected argument '${positionals[0]}'; flags start with --`,
    );
  }
  if (values.run === undefined && !values.floor) {
    throw new UserError('dag-gan eval: --run DIR is required (or --floor for real against real)');
  }
  if (values.all && values.checkpoint !== undefined) {
    throw new UserError('dag-gan eval: give --checkpoint FILE or --all, not both');
  }
  if (values.run !== undefined && values.data !== undefined) {
    throw new UserError(
      "dag-gan eval: --data applies without --run; a run's real set is its own --data",
    );
  }
  const samples = numberFlag('samples', values.samples, 2000, { min: 10, integer: true });
  const realSplit = choiceFlag(
    'real-split',
    values['real-split'],
    ['test', 'train'] as const,
    'test',
  );
  const seed = numberFlag('seed', values.seed, 0, { min: 0, integer: true });
  const kidSubsets = numberFlag('kid-subsets', values['kid-subsets'], 50, {
    min: 1,
    integer: true,
  });
  const kidSubsetSize = numberFlag('kid-subset-size', values['kid-subset-size'], 500, {
    min: 2,
    integer: true,
  });
  const backend = choiceFlag('backend', values.backend, BACKEND_CHOICES, 'auto');
  const preprocessing: TfjsPreprocessing = {};
  if (values['extractor-size'] !== undefined) {
    preprocessing.inputSize = numberFlag('extractor-size', values['extractor-size'], 0, {
      min: 1,
      integer: true,
    });
  }
  if (values['extractor-range'] !== undefined) {
    preprocessing.valueRange = choiceFlag(
      'extractor-range',
      values['extractor-range'],
      VALUE_RANGES,
      '-1,1',
    );
  }
  if (values['extractor-channels'] !== undefined) {
    const channels = values['extractor-channels'];
    preprocessing.channels =
      choiceFlag('extractor-channels', channels, ['1', '3'] as const, '1') === '3' ? 3 : 1;
  }
  await selectBackend(backend);
  const config = values.run !== undefined ? readRunConfig(values.run) : undefined;
  const image = config
    ? { height: config.imageSize, width: config.imageSize, channels: config.channels }
    : undefined;
  const extractor = await loadExtractor(values.extractor ?? 'default', {
    ...(image ? { image } : {}),
    preprocessing,
  });
  try {
    const common = { extractor, samples, kidSubsets, kidSubsetSize };
    if (values.floor) {
      const data = config ? config.data : (values.data ?? null);
      const floor = await realFloor({ ...common, data });
      console.log(values.json ? JSON.stringify(floor) : describeFloor(floor));
      return;
    }
    const run = values.run as string;
    await evaluateRun(run, {
      ...common,
      realSplit,
      seed,
      ...(values.checkpoint !== undefined ? { checkpoint: values.checkpoint } : {}),
      all: values.all ?? false,
      onRecord: (record) => console.log(values.json ? JSON.stringify(record) : describe(record)),
    });
  } finally {
    extractor.dispose();
  }
}

function fmt(x: number | null | undefined, digits = 4): string {
  return typeof x === 'number' ? x.toPrecision(digits) : 'n/a';
}

function describe(r: EvalRecord): string {
  const p = r.provenance;
  const floor = r.floor
    ? `; floor (real train vs test) FID ${fmt(r.floor.fid)} KID ${fmt(r.floor.kid)}`
    : '';
  return (
    `step ${r.step}: FID ${fmt(r.fid)}  KID ${fmt(r.kid)} ± ${fmt(r.kidStd, 2)}  precision ` +
    `${fmt(r.precision, 3)}  recall ${fmt(r.recall, 3)}  IS ${fmt(r.inceptionScore)}${floor}\n` +
    `  (${p.extractor} ${String(p.extractorWeightsSha256).slice(0, 12)}, ${p.preprocessing}; ` +
    `${p.fakeSamples} fake vs ${p.realSamples} real of ${p.realSource})`
  );
}

function describeFloor(f: Awaited<ReturnType<typeof realFloor>>): string {
  return (
    `floor: FID ${fmt(f.fid)}  KID ${fmt(f.kid)}  precision ${fmt(f.precision, 3)}  recall ` +
    `${fmt(f.recall, 3)} (${f.trainSamples} train vs ${f.testSamples} test images of ` +
    `${String(f.provenance.realSource)}; ${f.provenance.extractor})`
  );
}
