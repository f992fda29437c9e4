#!/usr/bin/env node
// Makes data/fashion-mnist-subset/ from the four Fashion-MNIST IDX files: a class-balanced,
// seeded 10% of the training set and a class-balanced 2000-image slice of the test set.
//
//   npm run build
//   node scripts/make-embedded-subset.mjs SOURCE_DIR [--out DIR] [--seed N]
//
// It uses the compiled loader in dist/, so the subset is chosen by the same code that
// `--data-fraction` runs.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TRAIN_FRACTION = 0.1;
const TEST_PER_CLASS = 200;
const DEFAULT_SEED = 2017;
const CLASS_NAMES = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat',
  'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

function usage(message) {
  console.error(`make-embedded-subset: ${message}`);
  console.error('usage: node scripts/make-embedded-subset.mjs SOURCE_DIR [--out DIR] [--seed N]');
  process.exit(2);
}

function parseArguments(argv) {
  const options = {
    source: undefined,
    out: join(root, 'data', 'fashion-mnist-subset'),
    seed: DEFAULT_SEED,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--out' || arg === '--seed') {
      const value = argv[++i];
      if (value === undefined) usage(`${arg} needs a value`);
      if (arg === '--out') options.out = resolve(value);
      else {
        options.seed = Number(value);
        if (!Number.isInteger(options.seed)) usage(`--seed must be an integer, got ${value}`);
      }
    } else if (arg.startsWith('--')) {
      usage(`unknown flag ${arg}`);
    } else if (options.source === undefined) {
      options.source = arg;
    } else {
      usage(`unexpected argument ${arg}`);
    }
  }
  if (options.source === undefined) usage('missing SOURCE_DIR (the folder of the four IDX files)');
  return options;
}

async function importBuilt(relative) {
  const path = join(root, 'dist', relative);
  if (!existsSync(path)) usage(`${path} is missing; run \`npm run build\` first`);
  return import(pathToFileURL(path).href);
}

const options = parseArguments(process.argv.slice(2));
const { loadIdxFolder, idxFileNames } = await importBuilt('src/data/loadDataset.js');
const { takeFraction, takePerClass } = await importBuilt('src/data/takeFraction.js');
const { classCounts } = await importBuilt('src/data/imageDataset.js');
const { encodeIdx } = await importBuilt('src/data/idx.js');
const { Random } = await importBuilt('src/random/random.js');
const { writeFileAtomic } = await importBuilt('src/io/atomicWrite.js');

const train = loadIdxFolder(options.source, 'train');
const test = loadIdxFolder(options.source, 'test');
// One stream per split, so changing one split's rule leaves the other's choice alone.
const subsets = {
  train: takeFraction(train, TRAIN_FRACTION, new Random(options.seed, 0)),
  test: takePerClass(test, TEST_PER_CLASS, new Random(options.seed, 1)),
};

const counts = {};
for (const [split, subset] of Object.entries(subsets)) {
  const names = idxFileNames(split);
  const images = encodeIdx([subset.count, subset.height, subset.width], subset.images);
  const labels = encodeIdx([subset.count], subset.labels);
  // mtime 0 and maximum compression: the same source and seed give the same bytes.
  writeFileAtomic(join(options.out, `${names.images}.gz`), gzipSync(images, { level: 9 }));
  writeFileAtomic(join(options.out, `${names.labels}.gz`), gzipSync(labels, { level: 9 }));
  counts[split] = classCounts(subset);
  console.log(`${split}: ${subset.count} images, per class ${counts[split].join(' ')}`);
}

// Checksums of the inputs, so a reader can tell whether their copy would give the same subset.
const sources = ['train', 'test']
  .flatMap((split) => Object.values(idxFileNames(split)))
  .map((name) => [name, `${name}.gz`].find((file) => existsSync(join(options.source, file))))
  .map((file) => {
    const digest = createHash('sha256').update(readFileSync(join(options.source, file)));
    return `    ${digest.digest('hex')}  ${file}`;
  })
  .join('\n');

const table = CLASS_NAMES.map(
  (name, label) => `| ${label} | ${name} | ${counts.train[label]} | ${counts.test[label]} |`,
).join('\n');

const readme = `# Fashion-MNIST subset

A small, class-balanced sample of [Fashion-MNIST](https://github.com/zalandoresearch/fashion-mnist)
(28x28 grayscale images of clothing, 10 classes) that ships with dag-gan, so that training runs
out of the box and tests can use real images. \`loadDataset\` reads it when no \`--data\` is
given, or with \`--data fashion-mnist-subset\`.

| file | content |
| --- | --- |
| \`train-images-idx3-ubyte.gz\`, \`train-labels-idx1-ubyte.gz\` | ${subsets.train.count} training images, 10% of each class of the 60,000 |
| \`t10k-images-idx3-ubyte.gz\`, \`t10k-labels-idx1-ubyte.gz\` | ${subsets.test.count} test images, ${TEST_PER_CLASS} of each class of the 10,000 |

The files are gzipped IDX files, laid out exactly as the originals (magic 0x00000803 for
images, 0x00000801 for labels); images keep their original relative order.

## How it was made

From the four original files of Fashion-MNIST, with

    npm run build
    node scripts/make-embedded-subset.mjs SOURCE_DIR --seed ${options.seed}

where SOURCE_DIR holds \`train-images-idx3-ubyte.gz\`, \`train-labels-idx1-ubyte.gz\`,
\`t10k-images-idx3-ubyte.gz\` and \`t10k-labels-idx1-ubyte.gz\`, the original release
(as Debian's package dataset-fashion-mnist installs it), with these SHA-256 sums:

${sources}

The training images are \`takeFraction(train, ${TRAIN_FRACTION}, new Random(${options.seed}, 0))\`
(what \`--data-fraction ${TRAIN_FRACTION}\` does), the test images
\`takePerClass(test, ${TEST_PER_CLASS}, new Random(${options.seed}, 1))\`: for each class in label
order, a seeded shuffle of that class's images, of which the first are kept. The same sources
and seed give the same bytes (gzip level 9, no timestamp).

## Images per class

| label | class | train | test |
| --- | --- | --- | --- |
${table}

## License

Fashion-MNIST is Copyright (c) 2017 Zalando SE and distributed under the MIT (Expat) license;
see [LICENSE](LICENSE). This subset is a selection of its images, unchanged.
`;

const license = `The MIT License (MIT)

Copyright (c) 2017 Zalando SE, https://tech.zalando.com

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

writeFileAtomic(join(options.out, 'README.md'), readme);
writeFileAtomic(join(options.out, 'LICENSE'), license);
console.log(`wrote ${options.out}`);
