import { UserError } from '../errors.js';

const USAGE = `usage: dag-gan <command> [flags]

commands:
  train      train a GAN with DAG on images (default: the embedded Fashion-MNIST subset)
  sample     draw images from a trained run's generator
  augment    show every view of a policy on real images
  metrics    FID, KID, precision/recall or the Inception-style score of feature files (.npy)
  eval       FID, KID, precision/recall and the score of a run's checkpoints against real data
  classifier train or measure the Fashion-MNIST classifier whose features the metrics use
  experiment run a grid of training runs and tabulate FID and KID (e.g. experiments/*.json)

Run 'dag-gan <command> --help' for a command's flags; 'dag-gan --version' for the version.`;

type Command = (argv: string[]) => Promise<void>;

/** Commands are imported when used, so `--help` does not load tfjs. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  train: async () => (await import('./trainCommand.js')).trainCommand,
  sample: async () => (await import('./sampleCommand.js')).sampleCommand,
  augment: async () => (await import('./augmentCommand.js')).augmentCommand,
  metrics: async () => (await import('./metricsCommand.js')).metricsCommand,
  eval: async () => (await import('./evalCommand.js')).evalCommand,
  classifier: async () => (await import('./classifierCommand.js')).classifierCommand,
  experiment: async () => (await import('./experimentCommand.js')).experimentCommand,
};

/** Runs the CLI; returns the exit code. User errors print one line, without a stack. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === '--version' || name === '-v') {
    const { readFileSync } = await import('node:fs');
    const manifest = new URL('../../../package.json', import.meta.url);
    console.log((JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version);
    return 0;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const load = COMMANDS[name];
  if (!load) {
    console.error(
      `dag-gan: unknown command '${name}'; commands: ${Object.keys(COMMANDS).join(', ')}`,
    );
    return 2;
  }
  try {
    await (
      await load()
    )(rest);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (error) {
    if (error instanceof UserError) {
      console.error(`error: ${error.message}`);
      return 2;
    }
    throw error;
  }
}
