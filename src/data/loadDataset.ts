import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { checkDataset, type ImageDataset } from './imageDataset.js';
import { readIdxImages, readIdxLabels } from './idx.js';
import { packageRoot } from './packageRoot.js';

export type Split = 'train' | 'test';

/** The class-balanced Fashion-MNIST sample shipped with dag-gan (6000 train, 2000 test). */
export const EMBEDDED_DATASET = 'fashion-mnist-subset';

/** All of Fashion-MNIST, as Debian's package dataset-fashion-mnist installs it. */
export const FULL_FASHION_MNIST = 'fashion-mnist-full';

/** Where Debian's dataset-fashion-mnist puts the four IDX files. */
export const DEBIAN_FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Folder of the embedded sample inside the package. */
export function embeddedDatasetDir(): string {
  return join(packageRoot(), 'data', EMBEDDED_DATASET);
}

/** The IDX file names of a split without the optional `.gz`, as the MNIST family names them. */
export function idxFileNames(split: Split): { images: string; labels: string } {
  const prefix = split === 'train' ? 'train' : 't10k';
  return { images: `${prefix}-images-idx3-ubyte`, labels: `${prefix}-labels-idx1-ubyte` };
}

/**
 * Loads a split of an image dataset. `data` is resolved in this order:
 *
 * 1. absent: the embedded Fashion-MNIST sample (`fashion-mnist-subset`: 6000 training images,
 *    600 per class, and 2000 test images, 200 per class), so dag-gan trains out of the box;
 * 2. `fashion-mnist-subset`: the same, by name;
 * 3. `fashion-mnist-full`: all of Fashion-MNIST from /usr/share/datasets/fashion-mnist (Debian's
 *    package dataset-fashion-mnist);
 * 4. anything else: a folder holding the IDX files of the MNIST family (Fashion-MNIST, MNIST,
 *    KMNIST): `train-images-idx3-ubyte` and `train-labels-idx1-ubyte` for 'train',
 *    `t10k-images-idx3-ubyte` and `t10k-labels-idx1-ubyte` for 'test', each raw or gzipped
 *    (with or without `.gz`; the raw name is tried first). A folder whose name is one of the
 *    dataset names above is reached with a path such as `./fashion-mnist-full`.
 *
 * Problems with the folder or its files are `UserError`s naming `--data` or the file.
 */
export function loadDataset(options: { data?: string; split: Split }): ImageDataset {
  const { data, split } = options;
  if (split !== 'train' && split !== 'test') {
    throw new UserError(`loadDataset: split must be 'train' or 'test', got ${String(split)}`);
  }
  if (data === undefined || data === EMBEDDED_DATASET) {
    const folder = embeddedDatasetDir();
    if (!existsSync(folder)) {
      throw new Error(
        `loadDataset: the embedded sample is missing from ${folder}; reinstall dag-gan`,
      );
    }
    return loadIdxFolder(folder, split, EMBEDDED_DATASET);
  }
  if (data === FULL_FASHION_MNIST) {
    if (!existsSync(DEBIAN_FASHION_MNIST_DIR)) {
      throw new UserError(
        `--data ${FULL_FASHION_MNIST}: ${DEBIAN_FASHION_MNIST_DIR} does not exist; install it ` +
          'with `apt-get install dataset-fashion-mnist`, or pass --data DIR with the IDX files',
      );
    }
    return loadIdxFolder(DEBIAN_FASHION_MNIST_DIR, split, FULL_FASHION_MNIST);
  }
  if (data === '') throw new UserError('--data: expected a folder or a dataset name, got ""');
  return loadIdxFolder(data, split, data);
}

/**
 * Reads one split of an MNIST-family folder (see `loadDataset` for the file names). `source`
 * names the dataset in error messages and in the result.
 */
export function loadIdxFolder(folder: string, split: Split, source = folder): ImageDataset {
  if (!existsSync(folder)) throw new UserError(`--data ${folder}: no such folder`);
  if (!statSync(folder).isDirectory()) {
    throw new UserError(`--data ${folder}: not a folder; give the folder that holds the IDX files`);
  }
  const names = idxFileNames(split);
  const imagesPath = findIdxFile(folder, names.images);
  const labelsPath = findIdxFile(folder, names.labels);
  if (imagesPath === undefined || labelsPath === undefined) {
    const missing = [
      imagesPath === undefined ? names.images : undefined,
      labelsPath === undefined ? names.labels : undefined,
    ]
      .filter((name): name is string => name !== undefined)
      .map((name) => `${name}[.gz]`);
    throw new UserError(
      `--data ${folder}: missing ${missing.join(' and ')} for the ${split} split; the folder ` +
        'must hold IDX files of the MNIST family (train-* for training, t10k-* for testing)',
    );
  }
  const { images, count, rows, cols } = readIdxImages(imagesPath);
  const labels = readIdxLabels(labelsPath);
  if (labels.length !== count) {
    throw new UserError(
      `${imagesPath}: holds ${count} images but ${labelsPath} holds ${labels.length} labels; ` +
        'the two files must come from the same split',
    );
  }
  let maxLabel = 0;
  for (const label of labels) if (label > maxLabel) maxLabel = label;
  return checkDataset({
    // Copies drop the IDX header and the buffer that held the inflated file.
    images: new Uint8Array(images),
    labels: new Uint8Array(labels),
    count,
    height: rows,
    width: cols,
    channels: 1,
    classCount: maxLabel + 1,
    source: `${source} (${split})`,
  });
}

function findIdxFile(folder: string, name: string): string | undefined {
  for (const candidate of [name, `${name}.gz`]) {
    const path = join(folder, candidate);
    if (existsSync(path)) return path;
  }
  return undefined;
}
