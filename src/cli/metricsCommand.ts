import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { UserError } from '../errors.js';
import { readNpy } from '../io/npy.js';
import type { NpyMatrix } from '../io/npy.js';
import type { FeatureMatrix, Provenance } from '../metrics/featureMatrix.js';

const USAGE = `usage:
  dag-gan metrics fid --real R.npy --fake F.npy [--json]
  dag-gan metrics kid --real R.npy --fake F.npy [--subsets 100] [--subset-size 1000] [--seed 0] [--json]
  dag-gan metrics pr  --real R.npy --fake F.npy [--k 3] [--json]
  dag-gan metrics is  --probs P.npy [--splits 10] [--json]

R.npy, F.npy: 2-D float32/float64 features [samples, dims] (e.g. Inception pool features).
P.npy: class probabilities [samples, classes], rows summing to 1.`;

/** Flags each metric accepts, besides --json and --help. */
const FLAGS: Record<string, string[]> = {
  fid: ['real', 'fake'],
  kid: ['real', 'fake', 'subsets', 'subset-size', 'seed'],
  pr: ['real', 'fake', 'k'],
  is: ['probs', 'splits'],
};

/** `dag-gan metrics <fid|kid|pr|is> ...`: one metric on .npy files, printed as text or JSON. */
export async function metricsCommand(argv: string[]): Promise<void> {
  const [metric, ...rest] = argv;
  if (metric === undefined || metric === '--help' || metric === '-h') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const allowed = FLAGS[metric];
  if (!allowed) {
    throw new UserError(
      `metrics: unknown metric '${metric}'; expected one of fid, kid, pr, is\n${USAGE}`,
    );
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(rest);
  } catch (error) {
    throw new UserError(
      `metrics ${metric}: ${(error as Error).message}; see 'dag-gan metrics --help'`,
    );
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (positionals.length > 0) {
    throw new UserError(
      `metrics ${metric}: unexpected argument '${positionals[0]}'; flags take the form --name value`,
    );
  }
  for (const name of Object.keys(values)) {
    if (name !== 'json' && name !== 'help' && !allowed.includes(name)) {
      const takes = allowed.map((f) => `--${f}`).join(', ');
      throw new UserError(`metrics ${metric}: --${name} does not apply; ${metric} takes ${takes}`);
    }
  }
  const result = await run(metric, values);
  process.stdout.write(`${values.json ? JSON.stringify(result) : describe(result)}\n`);
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      real: { type: 'string' },
      fake: { type: 'string' },
      probs: { type: 'string' },
      subsets: { type: 'string' },
      'subset-size': { type: 'string' },
      seed: { type: 'string' },
      k: { type: 'string' },
      splits: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

type Values = ReturnType<typeof parse>['values'];
type Result = Record<string, unknown> & { metric: string };

async function run(metric: string, values: Values): Promise<Result> {
  if (metric === 'is') {
    const path = required(values.probs, 'probs', metric);
    const probs = load(path, '--probs');
    const { inceptionScore } = await import('../metrics/inceptionScore.js');
    const splits = integer(values.splits, 'splits', 10, 1);
    if (splits > probs.shape[0]) {
      throw new UserError(
        `metrics is: --splits ${splits} exceeds the ${probs.shape[0]} rows of ${path}; use fewer splits`,
      );
    }
    try {
      const [samples, classes] = probs.shape;
      return {
        ...inceptionScore(probs.data, samples, classes, {
          splits,
          provenance: { probsFile: path },
        }),
      };
    } catch (error) {
      throw new UserError(`metrics is: ${path}: ${(error as Error).message}`);
    }
  }
  const realPath = required(values.real, 'real', metric);
  const fakePath = required(values.fake, 'fake', metric);
  const real = features(load(realPath, '--real'), `--real ${realPath}`);
  const fake = features(load(fakePath, '--fake'), `--fake ${fakePath}`);
  if (real.dims !== fake.dims) {
    throw new UserError(
      `metrics ${metric}: --real ${realPath} has ${real.dims} dims but --fake ${fakePath} has ` +
        `${fake.dims}; both must come from the same feature extractor`,
    );
  }
  const provenance: Provenance = { realFile: realPath, fakeFile: fakePath };
  const minimum = metric === 'pr' ? integer(values.k, 'k', 3, 1) + 1 : 2;
  for (const [flag, path, m] of [
    ['--real', realPath, real],
    ['--fake', fakePath, fake],
  ] as const) {
    if (m.samples < minimum) {
      throw new UserError(
        `metrics ${metric}: ${flag} ${path} has ${m.samples} samples; ${metric} needs at least ${minimum}`,
      );
    }
  }
  if (metric === 'fid') {
    const { frechetDistance } = await import('../metrics/frechetDistance.js');
    return { ...(await frechetDistance(real, fake, { provenance })) };
  }
  if (metric === 'kid') {
    const { kernelInceptionDistance } = await import('../metrics/kernelInceptionDistance.js');
    return {
      ...kernelInceptionDistance(real, fake, {
        subsets: integer(values.subsets, 'subsets', 100, 1),
        subsetSize: integer(values['subset-size'], 'subset-size', 1000, 2),
        seed: integer(values.seed, 'seed', 0, 0),
        provenance,
      }),
    };
  }
  const { precisionRecall } = await import('../metrics/precisionRecall.js');
  return { ...precisionRecall(real, fake, { k: integer(values.k, 'k', 3, 1), provenance }) };
}

function required(value: string | undefined, flag: string, metric: string): string {
  if (value === undefined || value === '') {
    throw new UserError(`metrics ${metric}: --${flag} is required (a .npy file)`);
  }
  return value;
}

function integer(
  value: string | undefined,
  flag: string,
  fallback: number,
  minimum: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < minimum) {
    throw new UserError(`metrics: --${flag} expects an integer >= ${minimum}, got '${value}'`);
  }
  return n;
}

function load(path: string, flag: string): NpyMatrix {
  if (!existsSync(path)) throw new UserError(`metrics: ${flag} ${path} does not exist`);
  return readNpy(path);
}

function features(m: NpyMatrix, source: string): FeatureMatrix {
  const data = m.data instanceof Float64Array ? m.data : Float64Array.from(m.data);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const row = Math.floor(i / m.shape[1]);
      throw new UserError(
        `metrics: ${source} has a non-finite value at row ${row}; check the extractor`,
      );
    }
  }
  return { data, samples: m.shape[0], dims: m.shape[1] };
}

function describe(r: Result): string {
  const fmt = (x: unknown): string => (typeof x === 'number' ? x.toPrecision(6) : String(x));
  const sets = `${r.realSamples} real / ${r.fakeSamples} fake, ${r.dims} dims`;
  switch (r.metric) {
    case 'fid':
      return `FID ${fmt(r.value)} (${sets}, ${r.linalg} eigensolver)`;
    case 'kid':
      return (
        `KID ${fmt(r.value)} ± ${fmt(r.std)} (${r.subsets} subsets of ${r.subsetSize}, ` +
        `seed ${r.seed}, ${sets})${r.note ? `; note: ${r.note}` : ''}`
      );
    case 'precision-recall':
      return `precision ${fmt(r.precision)} recall ${fmt(r.recall)} (k = ${r.k}, ${sets})`;
    default:
      return (
        `Inception-style score ${fmt(r.value)} ± ${fmt(r.std)} (${r.splits} splits, ` +
        `${r.samples} samples, ${r.classes} classes)`
      );
  }
}
