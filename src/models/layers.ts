import { tf } from '../tf.js';
import type { Random } from '../random/random.js';
import type { ParameterStore } from './parameterStore.js';

/**
 * Layers as plain functions over a ParameterStore. Initialisation follows PyTorch's defaults
 * (uniform in +-1/sqrt(fan_in) for weights and biases) so that the reference's
 * hyper-parameters carry over unchanged.
 */

export function createDense(
  store: ParameterStore,
  name: string,
  inputs: number,
  outputs: number,
  random: Random,
): void {
  const bound = 1 / Math.sqrt(inputs);
  store.uniform(`${name}/kernel`, [inputs, outputs], bound, random);
  store.uniform(`${name}/bias`, [outputs], bound, random);
}

/** `[batch, inputs]` -> `[batch, outputs]`. */
export function dense(store: ParameterStore, name: string, x: tf.Tensor2D): tf.Tensor2D {
  return tf.add(tf.matMul(x, store.get(`${name}/kernel`)), store.get(`${name}/bias`));
}

export function createConv2d(
  store: ParameterStore,
  name: string,
  kernelSize: number,
  inChannels: number,
  outChannels: number,
  random: Random,
): void {
  const bound = 1 / Math.sqrt(inChannels * kernelSize * kernelSize);
  store.uniform(`${name}/filter`, [kernelSize, kernelSize, inChannels, outChannels], bound, random);
  store.uniform(`${name}/bias`, [outChannels], bound, random);
}

/**
 * Convolution with PyTorch-style symmetric zero padding. tfjs's 'same' pads an even input
 * asymmetrically (nothing on top, one row at the bottom for a 3x3 stride-2 kernel), which shifts
 * every window by one pixel against the reference, so the padding is given explicitly.
 */
export function conv2d(
  store: ParameterStore,
  name: string,
  x: tf.Tensor4D,
  stride: number,
  padding: number,
): tf.Tensor4D {
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [padding, padding],
    [padding, padding],
    [0, 0],
  ];
  const y = tf.conv2d(x, store.get(`${name}/filter`) as tf.Tensor4D, stride, pad);
  return tf.add(y, store.get(`${name}/bias`));
}

export function createConv2dTranspose(
  store: ParameterStore,
  name: string,
  kernelSize: number,
  inChannels: number,
  outChannels: number,
  random: Random,
): void {
  // PyTorch's ConvTranspose2d computes fan_in from its weight's dim 1 (out channels) * k * k.
  const bound = 1 / Math.sqrt(outChannels * kernelSize * kernelSize);
  store.uniform(
    `${name}/filter`,
    [kernelSize, kernelSize, outChannels, inChannels],
    bound,
    random,
  );
  store.uniform(`${name}/bias`, [outChannels], bound, random);
}

/**
 * Stride-s transposed convolution doubling (for s = 2) height and width: `[b, h, w, c]` ->
 * `[b, h*s, w*s, c']`. With kernel = stride there is no padding; with a larger kernel tfjs's
 * 'same' pads the matching forward convolution symmetrically (kernel 4, stride 2: one pixel
 * each side), which is PyTorch's ConvTranspose2d(k=4, s=2, p=1).
 */
export function conv2dTranspose(
  store: ParameterStore,
  name: string,
  x: tf.Tensor4D,
  stride: number,
): tf.Tensor4D {
  const filter = store.get(`${name}/filter`) as tf.Tensor4D;
  const [batch, height, width] = x.shape;
  const [kernel, , outChannels] = filter.shape;
  const y = tf.conv2dTranspose(
    x,
    filter,
    [batch, height * stride, width * stride, outChannels],
    stride,
    kernel === stride ? 'valid' : 'same',
  );
  return tf.add(y, store.get(`${name}/bias`));
}

export function createBatchNorm(store: ParameterStore, name: string, channels: number): void {
  store.constant(`${name}/gamma`, [channels], 1);
  store.constant(`${name}/beta`, [channels], 0);
  store.buffer(`${name}/movingMean`, [channels], 0);
  store.buffer(`${name}/movingVariance`, [channels], 1);
}

export interface BatchNormOptions {
  /** Normalise with the batch's statistics (and update the running ones) or the running ones. */
  training: boolean;
  /** Weight of the new batch in the running averages (PyTorch's momentum). */
  momentum?: number;
  epsilon?: number;
}

/**
 * Batch normalisation over every axis but the last (channels). In training the running mean and
 * the unbiased running variance are updated as PyTorch does; the update is not differentiated.
 */
export function batchNorm<T extends tf.Tensor>(
  store: ParameterStore,
  name: string,
  x: T,
  { training, momentum = 0.1, epsilon = 1e-5 }: BatchNormOptions,
): T {
  const gamma = store.get(`${name}/gamma`);
  const beta = store.get(`${name}/beta`);
  const movingMean = store.get(`${name}/movingMean`);
  const movingVariance = store.get(`${name}/movingVariance`);
  if (!training) return tf.batchNorm(x, movingMean, movingVariance, beta, gamma, epsilon) as T;

  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const count = x.size / (x.shape[x.rank - 1] as number);
  tf.tidy(() => {
    const unbiased = tf.mul(variance, count / Math.max(count - 1, 1));
    movingMean.assign(tf.add(tf.mul(movingMean, 1 - momentum), tf.mul(mean, momentum)));
    movingVariance.assign(
      tf.add(tf.mul(movingVariance, 1 - momentum), tf.mul(unbiased, momentum)),
    );
  });
  return tf.batchNorm(x, mean, variance, beta, gamma, epsilon) as T;
}
