import { AUGMENTATION_MODES } from '../dag/objectiveTypes.js';
import { UserError } from '../errors.js';
import { LOSS_NAMES } from '../losses/index.js';
import { BACKEND_CHOICES, selectBackend, type BackendChoice } from '../backends/selectBackend.js';
import { buildObjective } from '../train/buildObjective.js';
import { readRunConfig, runTraining } from '../train/runTraining.js';
import { DEFAULT_CONFIG, lossDefaults, type TrainConfig } from '../train/trainConfig.js';
import { choiceFlag, numberFlag, parseFlags } from './flags.js';

const HELP = `usage: dag-gan train [flags]

Trains a DCGAN with DAG heads and writes config.json, metrics.jsonl, samples/ and checkpoints/
into --out. Ctrl-C saves a checkpoint and stops; --resume DIR continues it.

data
  --data DIR|NAME        IDX folder (train-images-idx3-ubyte[.gz] ...), or fashion-mnist-full
                         (Debian's dataset-fashion-mnist); default: the embedded 10% subset
  --data-fraction F      keep a seeded, class-balanced fraction F in (0, 1]       [1]
augmentation
  --mode M               dag | diffaugment | classical | none                      [dag]
  --policy P             e.g. rotation, rotation,cropping, rotation:1,cropping:0.5, none
                                                                                   [rotation]
  --dag-weight L         lambda of the DAG term          [1 for ns/hinge, 0.2 for wgan-gp/lsgan]
  --identity-head H      own (a head for the identity view) | main (it shares the main head)
                                                                                   [own]
  --crop-resize R        nearest (PyTorch reference) | bilinear (TensorFlow port)  [nearest]
model and loss
  --loss L               ns | hinge | lsgan | wgan-gp                              [ns]
  --dim N                base width of G and D                                     [64]
  --g-kernel K           G's transposed-convolution kernel: 2 (WGAN-GP CIFAR model) or 4
                         (DCGAN, fewer checkerboard artefacts)                     [4]
  --gp-weight G          WGAN-GP penalty weight                                    [10]
  --leaky-slope S        negative slope of D's leaky ReLUs                         [0.2]
optimisation
  --steps N              generator steps                                           [${DEFAULT_CONFIG.steps}]
  --batch N              batch size                                                [64]
  --n-critic N           D steps per G step                      [1; 5 for wgan-gp]
  --lr X, --beta1 X, --beta2 X   Adam               [2e-4, 0.5, 0.999; wgan-gp 1e-4, 0.5, 0.9]
  --seed N               seed of every random choice                               [0]
output
  --out DIR              run folder                                                [runs/<time>]
  --resume DIR           continue the run in DIR (flags other than --steps and the
                         output periods are taken from DIR/config.json)
  --log-every N, --sample-every N, --checkpoint-every N          [10, 250, 500]
  --keep-checkpoints N   periodic checkpoints kept                                 [3]
  --backend B            auto | torch | wasm | cpu                                 [auto]
evaluation
  --eval-every N         FID, KID, precision/recall every N steps into metrics.jsonl, and
                         checkpoints/best.ckpt kept by FID (0: never)              [0]
  --eval-samples N       samples per evaluation                                    [2000]
  --extractor E          default (the shipped Fashion-MNIST classifier) or a model folder`;

const FLAGS = {
  help: { type: 'boolean', short: 'h' },
  data: { type: 'string' },
  'data-fraction': { type: 'string' },
  mode: { type: 'string' },
  policy: { type: 'string' },
  'dag-weight': { type: 'string' },
  'identity-head': { type: 'string' },
  'crop-resize': { type: 'string' },
  loss: { type: 'string' },
  dim: { type: 'string' },
  'g-kernel': { type: 'string' },
  'gp-weight': { type: 'string' },
  'leaky-slope': { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  'n-critic': { type: 'string' },
  lr: { type: 'string' },
  beta1: { type: 'string' },
  beta2: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  resume: { type: 'string' },
  'log-every': { type: 'string' },
  'sample-every': { type: 'string' },
  'checkpoint-every': { type: 'string' },
  'keep-checkpoints': { type: 'string' },
  backend: { type: 'string' },
  'eval-every': { type: 'string' },
  'eval-samples': { type: 'string' },
  extractor: { type: 'string' },
} as const;

type Values = ReturnType<typeof parseTrainFlags>['values'];

function parseTrainFlags(argv: string[]) {
  return parseFlags('train', argv, FLAGS);
}

/** Flags that may change when a run is resumed: how long, and how often it writes. */
const RESUMABLE = new Set([
  'resume',
  'steps',
  'log-every',
  'sample-every',
  'checkpoint-every',
  'keep-checkpoints',
  'backend',
  'help',
]);

function periods(
  v: Values,
  base: Pick<
    TrainConfig,
    'logEvery' | 'sampleEvery' | 'checkpointEvery' | 'keepCheckpoints' | 'steps'
  >,
) {
  const positive = { min: 1, integer: true };
  return {
    steps: numberFlag('steps', v.steps, base.steps, positive),
    logEvery: numberFlag('log-every', v['log-every'], base.logEvery, positive),
    sampleEvery: numberFlag('sample-every', v['sample-every'], base.sampleEvery, positive),
    checkpointEvery: numberFlag(
      'checkpoint-every',
      v['checkpoint-every'],
      base.checkpointEvery,
      positive,
    ),
    keepCheckpoints: numberFlag(
      'keep-checkpoints',
      v['keep-checkpoints'],
      base.keepCheckpoints,
      positive,
    ),
  };
}

/** The resolved configuration of a new run from its flags. */
export function configFromFlags(v: Values): TrainConfig {
  const loss = choiceFlag('loss', v.loss, LOSS_NAMES, DEFAULT_CONFIG.loss);
  const byLoss = lossDefaults(loss);
  const config: TrainConfig = {
    ...DEFAULT_CONFIG,
    ...byLoss,
    ...periods(v, DEFAULT_CONFIG),
    data: v.data ?? null,
    dataFraction: numberFlag('data-fraction', v['data-fraction'], 1, {
      min: 0,
      max: 1,
      exclusiveMin: true,
    }),
    mode: choiceFlag('mode', v.mode, AUGMENTATION_MODES, DEFAULT_CONFIG.mode),
    // Without a --policy, --mode none means what it says rather than tripping on the default.
    policy: v.policy ?? (v.mode === 'none' ? 'none' : DEFAULT_CONFIG.policy),
    loss,
    dagWeight: numberFlag('dag-weight', v['dag-weight'], byLoss.dagWeight, { min: 0 }),
    identityHead: choiceFlag('identity-head', v['identity-head'], ['own', 'main'] as const, 'own'),
    cropResize: choiceFlag(
      'crop-resize',
      v['crop-resize'],
      ['nearest', 'bilinear'] as const,
      'nearest',
    ),
    dim: numberFlag('dim', v.dim, DEFAULT_CONFIG.dim, { min: 1, integer: true }),
    generatorKernel:
      choiceFlag('g-kernel', v['g-kernel'], ['2', '4'] as const, '4') === '2' ? 2 : 4,
    gpWeight: numberFlag('gp-weight', v['gp-weight'], DEFAULT_CONFIG.gpWeight, { min: 0 }),
    leakySlope: numberFlag('leaky-slope', v['leaky-slope'], DEFAULT_CONFIG.leakySlope, {
      min: 0,
      max: 1,
    }),
    batch: numberFlag('batch', v.batch, DEFAULT_CONFIG.batch, { min: 1, integer: true }),
    nCritic: numberFlag('n-critic', v['n-critic'], byLoss.nCritic, { min: 1, integer: true }),
    lr: numberFlag('lr', v.lr, byLoss.lr, { min: 0, exclusiveMin: true }),
    beta1: numberFlag('beta1', v.beta1, byLoss.beta1, { min: 0, max: 1 }),
    beta2: numberFlag('beta2', v.beta2, byLoss.beta2, { min: 0, max: 1 }),
    seed: numberFlag('seed', v.seed, DEFAULT_CONFIG.seed, {
      min: 0,
      max: 2 ** 32 - 1,
      integer: true,
    }),
    backend: choiceFlag('backend', v.backend, BACKEND_CHOICES, 'auto'),
    evalEvery: numberFlag('eval-every', v['eval-every'], DEFAULT_CONFIG.evalEvery, {
      min: 0,
      integer: true,
    }),
    evalSamples: numberFlag('eval-samples', v['eval-samples'], DEFAULT_CONFIG.evalSamples, {
      min: 10,
      integer: true,
    }),
    extractor: v.extractor ?? DEFAULT_CONFIG.extractor,
  };
  buildObjective(config); // checks --policy and --mode now, before any data is read
  return config;
}

function defaultOut(): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return `runs/${stamp}`;
}

export async function trainCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseTrainFlags(argv);
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (positionals.length > 0) {
    throw new UserError(
      `dag-gan train: unexpected argument '${positionals[0]}'; flags start with --`,
    );
  }
  let config: TrainConfig;
  let out: string;
  const resume = values.resume !== undefined;
  if (resume) {
    out = values.resume as string;
    const extra = Object.keys(values).filter((k) => !RESUMABLE.has(k));
    if (extra.length > 0) {
      throw new UserError(
        `--resume: --${extra[0]} cannot change when a run is resumed; it is read from ` +
          `${out}/config.json (start a new run with --out to change it)`,
      );
    }
    const saved = readRunConfig(out);
    config = { ...saved, ...periods(values, saved) };
    if (values.backend !== undefined) config.backend = values.backend;
  } else {
    config = configFromFlags(values);
    out = values.out ?? defaultOut();
  }
  const backend = await selectBackend(config.backend as BackendChoice);
  // config.json records the backend the run really uses: a resume must not move from torch to
  // wasm (or back), whose float sums differ in their last bits.
  config.backend = backend;
  let stop = false;
  const onSignal = () => {
    if (stop) process.exit(130); // a second Ctrl-C does not wait for the checkpoint
    stop = true;
    process.stderr.write(
      '\nstopping after this step; saving a checkpoint (Ctrl-C again to abort)\n',
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    process.stderr.write(
      `dag-gan train: ${config.mode} ${config.policy} ${config.loss} on ${backend}, ${config.steps} steps -> ${out}\n`,
    );
    const result = await runTraining(config, { out, resume, stopRequested: () => stop });
    const rate = result.imagesPerSecond.toFixed(1);
    if (result.stopped) {
      process.stderr.write(
        `stopped at step ${result.step}; checkpoint ${result.lastCheckpoint}; continue with ` +
          `dag-gan train --resume ${out}\n`,
      );
      process.exitCode = 130;
    } else {
      process.stderr.write(
        `done: ${result.step} steps, ${rate} images/s; samples in ${out}/samples\n`,
      );
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
