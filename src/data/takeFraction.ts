import { UserError } from '../errors.js';
import type { Random } from '../random/random.js';
import { selectImages, type ImageDataset } from './imageDataset.js';

/** Indices of each class in ascending order: `byClass[c]` lists the images labelled c. */
function indicesByClass(dataset: ImageDataset): number[][] {
  const byClass: number[][] = Array.from({ length: dataset.classCount }, () => []);
  dataset.labels.forEach((label, index) => byClass[label]?.push(index));
  return byClass;
}

/**
 * Draws `take(c, available)` images of each class c without replacement and returns them in
 * their original order. Classes are visited in label order so a seed always picks the same
 * images whatever the platform.
 */
function balancedSelection(
  dataset: ImageDataset,
  random: Random,
  take: (classIndex: number, available: number) => number,
  source: string,
): ImageDataset {
  const chosen: number[] = [];
  indicesByClass(dataset).forEach((indices, classIndex) => {
    const k = take(classIndex, indices.length);
    chosen.push(...random.shuffle(indices.slice()).slice(0, k));
  });
  chosen.sort((a, b) => a - b);
  return selectImages(dataset, chosen, source);
}

/**
 * A seeded, class-balanced subset for the limited-data regime: keeps `fraction` of each class
 * (`--data-fraction 0.1` keeps 10% of each), rounded to the nearest whole image but at least
 * one for every class present. A fraction of exactly 1 returns `dataset` itself and draws
 * nothing from `random`.
 */
export function takeFraction(
  dataset: ImageDataset,
  fraction: number,
  random: Random,
): ImageDataset {
  if (!(fraction > 0 && fraction <= 1)) {
    throw new UserError(
      `takeFraction: --data-fraction must be in (0, 1] (0.1 keeps 10% of each class), ` +
        `got ${fraction}`,
    );
  }
  if (fraction === 1) return dataset;
  return balancedSelection(
    dataset,
    random,
    (_, available) => (available === 0 ? 0 : Math.max(1, Math.round(fraction * available))),
    `${dataset.source}, ${formatPercent(fraction)} of each class`,
  );
}

/**
 * A seeded subset of exactly `perClass` images of every class. Errors when a class has fewer;
 * classes with no images at all are left out.
 */
export function takePerClass(
  dataset: ImageDataset,
  perClass: number,
  random: Random,
): ImageDataset {
  if (!(Number.isInteger(perClass) && perClass > 0)) {
    throw new UserError(
      `takePerClass: expected a positive whole number per class, got ${perClass}`,
    );
  }
  return balancedSelection(
    dataset,
    random,
    (classIndex, available) => {
      if (available > 0 && available < perClass) {
        throw new UserError(
          `takePerClass: ${dataset.source} has only ${available} images of class ` +
            `${classIndex}, ${perClass} were asked for`,
        );
      }
      return Math.min(available, perClass);
    },
    `${dataset.source}, ${perClass} of each class`,
  );
}

function formatPercent(fraction: number): string {
  return `${Number((fraction * 100).toPrecision(6))}%`;
}
