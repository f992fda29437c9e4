import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>
>;

/**
 * node:util's parseArgs with its errors turned into one-line UserErrors that name the command,
 * so `dag-gan train --stpes 5` says what is wrong and where to look.
 */
export function parseFlags<T extends Options>(
  command: string,
  argv: string[],
  options: T,
): Parsed<T> {
  try {
    return parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: true }>({
      args: joinNegativeValues(argv, options),
      options,
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UserError(
      `dag-gan ${command}: ${describeParseError(error)}; see dag-gan ${command} --help`,
    );
  }
}

/**
 * `--lr -1` reads to parseArgs as a flag followed by another flag; joined as `--lr=-1` it is a
 * value, which the flag's own check then rejects with its range.
 */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const next = argv[i + 1];
    const name = arg.startsWith('--') && !arg.includes('=') ? arg.slice(2) : undefined;
    if (
      name !== undefined &&
      options[name]?.type === 'string' &&
      next !== undefined &&
      /^-\.?\d/.test(next)
    ) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** parseArgs's message, cut to what a user needs. */
function describeParseError(error: unknown): string {
  const message = ((error as Error).message.split('\n')[0] ?? String(error)).trim();
  const unknown = /^Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown flag ${unknown[1]}`;
  const missing = /^Option '([^']+)[^']*' argument missing/.exec(message);
  if (missing) return `${missing[1]?.split(' ')[0]} needs a value`;
  return message.replace(/\.$/, '');
}

/** A number flag: finite, and within the bounds given. */
export function numberFlag(
  name: string,
  text: string | undefined,
  fallback: number,
  { min = -Infinity, max = Infinity, integer = false, exclusiveMin = false } = {},
): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  const kind = integer ? 'a whole number' : 'a number';
  if (text.trim() === '' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new UserError(`--${name}: expected ${kind}, got '${text}'`);
  }
  if (value < min || value > max || (exclusiveMin && value === min)) {
    const low = exclusiveMin ? `> ${min}` : `>= ${min}`;
    const range = max === Infinity ? low : `${low} and <= ${max}`;
    throw new UserError(`--${name}: expected ${kind} ${range}, got ${text}`);
  }
  return value;
}

/** A flag whose value is one of a fixed set of words. */
export function choiceFlag<T extends string>(
  name: string,
  text: string | undefined,
  choices: readonly T[],
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) {
    throw new UserError(`--${name}: expected one of ${choices.join(', ')}, got '${text}'`);
  }
  return text as T;
}

/** A required `--out` that names a PNG file (grids are written as PNG). */
export function pngOutFlag(command: string, out: string | undefined): string {
  if (out === undefined) throw new UserError(`dag-gan ${command}: --out FILE.png is required`);
  if (!out.toLowerCase().endsWith('.png')) {
    throw new UserError(`--out ${out}: the grid is written as PNG; give a .png file name`);
  }
  return out;
}
