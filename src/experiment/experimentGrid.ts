import { existsSync, readFileSync } from 'node:fs';
import { UserError } from '../errors.js';

/** Train flags as in `dag-gan train` (without the dashes), with string or number values. */
export type TrainFlags = Record<string, string | number>;

/** One setting of a grid: a name and the train flags that make it differ from the others. */
export interface GridSetting {
  name: string;
  train: TrainFlags;
}

/** How every run of a grid is evaluated. */
export interface GridEval {
  /** Generated and real samples per evaluation; default 2000. */
  samples?: number;
  /** As `dag-gan eval --extractor`; default 'default'. */
  extractor?: string;
  kidSubsets?: number;
  kidSubsetSize?: number;
}

/** A grid file (`dag-gan experiment GRID.json`). */
export interface ExperimentGrid {
  name: string;
  description?: string;
  /** As `--data`: the source of every run (null: the embedded subset). */
  data: string | null;
  /** `--data-fraction` values; every setting runs at each. Default [1]. */
  dataFractions: number[];
  seeds: number[];
  /** Flags shared by every run (steps, dim, loss, checkpoint-every...). */
  train: TrainFlags;
  settings: GridSetting[];
  eval: GridEval;
}

/** One training run of a grid. */
export interface GridRun {
  /** Setting name with its data fraction, e.g. `dag-rotation@10%`; a results row. */
  settingId: string;
  setting: GridSetting;
  dataFraction: number;
  seed: number;
  /** Folder below the experiment's output folder. */
  folder: string;
  /** Every train flag of the run. */
  flags: TrainFlags;
}

/** Flags the grid sets itself, per run; a setting may not give them. */
const RESERVED = ['data', 'data-fraction', 'seed', 'out', 'resume', 'help'];

/** Train flags a grid may give (those of `dag-gan train`). */
export const GRID_TRAIN_FLAGS = [
  'mode',
  'policy',
  'dag-weight',
  'identity-head',
  'crop-resize',
  'loss',
  'dim',
  'gp-weight',
  'leaky-slope',
  'steps',
  'batch',
  'n-critic',
  'lr',
  'beta1',
  'beta2',
  'log-every',
  'sample-every',
  'checkpoint-every',
  'keep-checkpoints',
  'backend',
  'g-kernel',
];

/** Reads and checks a grid file; problems are `UserError`s naming the file and the field. */
export function readGrid(path: string): ExperimentGrid {
  if (!existsSync(path)) throw new UserError(`experiment: grid file ${path} does not exist`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new UserError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  return parseGrid(raw, path);
}

/** Checks a parsed grid; `file` names it in messages. */
export function parseGrid(raw: unknown, file = 'grid'): ExperimentGrid {
  const fail = (what: string): never => {
    throw new UserError(`${file}: ${what}`);
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('expected a JSON object');
  const g = raw as Record<string, unknown>;
  const name =
    typeof g.name === 'string' && /^[\w.-]+$/.test(g.name)
      ? g.name
      : fail(
          `"name" must be a word of letters, digits, '.', '-' or '_', got ${JSON.stringify(g.name)}`,
        );
  const data =
    g.data === undefined || g.data === null
      ? null
      : typeof g.data === 'string'
        ? g.data
        : fail(`"data" must be an IDX folder or a dataset name, got ${JSON.stringify(g.data)}`);
  const numbers = (
    field: string,
    fallback: number[],
    check: (n: number) => boolean,
    what: string,
  ): number[] => {
    const value = g[field];
    if (value === undefined) return fallback;
    const valid = (n: unknown): boolean => typeof n === 'number' && check(n);
    if (!Array.isArray(value) || value.length === 0 || !value.every(valid)) {
      return fail(`"${field}" must be a non-empty list of ${what}, got ${JSON.stringify(value)}`);
    }
    return value as number[];
  };
  const dataFractions = numbers(
    'dataFractions',
    [1],
    (n) => n > 0 && n <= 1,
    'fractions in (0, 1]',
  );
  const seeds = numbers('seeds', [0], (n) => Number.isInteger(n) && n >= 0, 'whole numbers >= 0');
  const train = flagsOf(g.train ?? {}, '"train"', fail);
  if (!Array.isArray(g.settings) || g.settings.length === 0)
    fail('"settings" must be a non-empty list');
  const settings = (g.settings as unknown[]).map((s, i): GridSetting => {
    if (typeof s !== 'object' || s === null) return fail(`settings[${i}] must be an object`);
    const entry = s as Record<string, unknown>;
    if (typeof entry.name !== 'string' || !/^[\w.-]+$/.test(entry.name)) {
      return fail(`settings[${i}].name must be a word of letters, digits, '.', '-' or '_'`);
    }
    return { name: entry.name, train: flagsOf(entry.train ?? {}, `settings[${i}].train`, fail) };
  });
  const names = settings.map((s) => s.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) fail(`setting name ${duplicate} appears twice`);
  const evalRaw = (g.eval ?? {}) as Record<string, unknown>;
  const evalOptions: GridEval = {};
  for (const field of ['samples', 'kidSubsets', 'kidSubsetSize'] as const) {
    const v = evalRaw[field];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 2) {
      fail(`eval.${field} must be a whole number >= 2`);
    }
    evalOptions[field] = v as number;
  }
  if (evalRaw.extractor !== undefined) {
    if (typeof evalRaw.extractor !== 'string') fail('eval.extractor must be a string');
    evalOptions.extractor = evalRaw.extractor as string;
  }
  return {
    name,
    ...(typeof g.description === 'string' ? { description: g.description } : {}),
    data,
    dataFractions,
    seeds,
    train,
    settings,
    eval: evalOptions,
  };
}

function flagsOf(value: unknown, where: string, fail: (what: string) => never): TrainFlags {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail(`${where} must be an object of train flags, e.g. {"mode": "dag", "steps": 3000}`);
  }
  const flags: TrainFlags = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (RESERVED.includes(key)) {
      fail(`${where}: "${key}" is set by the grid itself (data, dataFractions, seeds, --out)`);
    }
    if (!GRID_TRAIN_FLAGS.includes(key)) {
      fail(`${where}: unknown train flag "${key}"; expected one of ${GRID_TRAIN_FLAGS.join(', ')}`);
    }
    if (typeof v !== 'string' && typeof v !== 'number')
      fail(`${where}.${key} must be a string or a number`);
    flags[key] = v as string | number;
  }
  return flags;
}

/** Every run of a grid: settings by data fraction, each at every seed. */
export function expandGrid(grid: ExperimentGrid): GridRun[] {
  const runs: GridRun[] = [];
  for (const dataFraction of grid.dataFractions) {
    for (const setting of grid.settings) {
      const settingId =
        grid.dataFractions.length === 1 && dataFraction === 1
          ? setting.name
          : `${setting.name}@${Number((dataFraction * 100).toPrecision(6))}%`;
      for (const seed of grid.seeds) {
        runs.push({
          settingId,
          setting,
          dataFraction,
          seed,
          folder: `${settingId.replace('@', '-').replace('%', 'pct')}/seed-${seed}`,
          flags: {
            ...grid.train,
            ...setting.train,
            'data-fraction': dataFraction,
            seed,
            ...(grid.data !== null ? { data: grid.data } : {}),
          },
        });
      }
    }
  }
  return runs;
}
