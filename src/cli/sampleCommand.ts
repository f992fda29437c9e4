import { tf } from '../tf.js';
import { BACKEND_CHOICES, selectBackend } from '../backends/selectBackend.js';
import { UserError } from '../errors.js';
import { writeImageGrid } from '../image/imageGrid.js';
import { Random } from '../random/random.js';
import { loadGenerator } from '../train/loadGenerator.js';
import { choiceFlag, numberFlag, parseFlags, pngOutFlag } from './flags.js';

const HELP = `usage: dag-gan sample --run DIR --out grid.png [flags]

Draws images from the generator of a training run (its newest checkpoint) into one PNG grid.
  --run DIR          the --out folder of a training run
  --out FILE         PNG to write
  --checkpoint FILE  a particular checkpoint instead of the newest
  --count N          images to draw                                   [64]
  --columns N        grid columns                                     [8]
  --seed N           seed of the noise                                [0]
  --backend B        auto | torch | wasm | cpu                        [auto]`;

export async function sampleCommand(argv: string[]): Promise<void> {
  const { values } = parseFlags('sample', argv, {
    help: { type: 'boolean', short: 'h' },
    run: { type: 'string' },
    out: { type: 'string' },
    checkpoint: { type: 'string' },
    count: { type: 'string' },
    columns: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
  } as const);
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values.run === undefined) throw new UserError('dag-gan sample: --run DIR is required');
  const out = pngOutFlag('sample', values.out);
  const count = numberFlag('count', values.count, 64, { min: 1, max: 4096, integer: true });
  const columns = numberFlag('columns', values.columns, 8, { min: 1, integer: true });
  const seed = numberFlag('seed', values.seed, 0, { min: 0, integer: true });
  const backend = choiceFlag('backend', values.backend, BACKEND_CHOICES, 'auto');
  await selectBackend(backend);
  const { generator, config, step, file } = loadGenerator(values.run, values.checkpoint);
  try {
    const z = new Random(seed).normalTensor([count, config.latentDim]) as tf.Tensor2D;
    const images = generator.generate(z, { training: false });
    writeImageGrid(out, images, columns);
    tf.dispose([z, images]);
    console.log(`wrote ${count} samples of step ${step} (${file}) to ${out}`);
  } finally {
    generator.dispose();
  }
}
