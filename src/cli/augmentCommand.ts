import { tf } from '../tf.js';
import { BACKEND_CHOICES, selectBackend } from '../backends/selectBackend.js';
import { loadDataset } from '../data/loadDataset.js';
import { toImageTensor } from '../data/toImageTensor.js';
import { applyPolicy, getPolicy, parsePolicies } from '../dag/policies.js';
import { UserError } from '../errors.js';
import { writeImageGrid } from '../image/imageGrid.js';
import { Random } from '../random/random.js';
import { choiceFlag, numberFlag, parseFlags, pngOutFlag } from './flags.js';

const HELP = `usage: dag-gan augment --policy P --out grid.png [flags]

Shows every view of the policies on real images: one row per image, one column per view, in
the order of the discriminator's heads.
  --policy P       e.g. rotation, fliprot, cropping, translation, cutout, color (comma list)
  --out FILE       PNG to write
  --data DIR|NAME  images to use (as for train)                  [embedded Fashion-MNIST]
  --count N        images (rows)                                  [8]
  --crop-resize R  nearest | bilinear                             [nearest]
  --seed N         picks the images and the random views          [0]`;

export async function augmentCommand(argv: string[]): Promise<void> {
  const { values } = parseFlags('augment', argv, {
    help: { type: 'boolean', short: 'h' },
    policy: { type: 'string' },
    out: { type: 'string' },
    data: { type: 'string' },
    count: { type: 'string' },
    'crop-resize': { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
  } as const);
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (values.policy === undefined) throw new UserError('dag-gan augment: --policy is required');
  const out = pngOutFlag('augment', values.out);
  const specs = parsePolicies(values.policy);
  if (specs.length === 0) throw new UserError('--policy none has no views to show');
  const count = numberFlag('count', values.count, 8, { min: 1, max: 256, integer: true });
  const seed = numberFlag('seed', values.seed, 0, { min: 0, integer: true });
  const cropResize = choiceFlag(
    'crop-resize',
    values['crop-resize'],
    ['nearest', 'bilinear'] as const,
    'nearest',
  );
  const backend = choiceFlag('backend', values.backend, BACKEND_CHOICES, 'auto');
  await selectBackend(backend);

  const dataset = loadDataset({ ...(values.data ? { data: values.data } : {}), split: 'train' });
  const random = new Random(seed);
  const indices = Array.from({ length: Math.min(count, dataset.count) }, () =>
    random.int(dataset.count),
  );
  const images = toImageTensor(dataset, indices);
  const views = specs.flatMap((spec) =>
    applyPolicy(getPolicy(spec.name, { cropResize }), images, random),
  );
  const grid = tf.tidy(() => {
    const [batch, height, width, channels] = images.shape;
    const stacked = tf.stack(views, 1); // [batch, views, height, width, channels]
    return tf.reshape(stacked, [batch * views.length, height, width, channels]) as tf.Tensor4D;
  });
  const { width, height } = writeImageGrid(out, grid, views.length);
  tf.dispose([images, grid, ...views]);
  const names = specs.flatMap((spec) =>
    getPolicy(spec.name).views.map((v) => `${spec.name}/${v.name}`),
  );
  console.log(`wrote ${out} (${width}x${height}): columns ${names.join(', ')}`);
}
