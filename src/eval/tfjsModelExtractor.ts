import { basename, resolve } from 'node:path';
import { tf } from '../tf.js';
import { UserError } from '../errors.js';
import type { FeatureExtractor } from './featureExtractor.js';
import { modelFolderOf, readModelFolder } from './nodeModelFiles.js';

/** The value range a model expects; images arrive in [-1, 1] and are mapped linearly. */
export type ValueRange = '-1,1' | '0,1' | '0,255';
export const VALUE_RANGES: readonly ValueRange[] = ['-1,1', '0,1', '0,255'];

/** How images are prepared for a user's model (the `--extractor-*` flags of `dag-gan eval`). */
export interface TfjsPreprocessing {
  /** Square side the images are resized to (bilinear); default: the model's input size. */
  inputSize?: number;
  /** Default '-1,1'. An Inception-v3 converted from Keras expects '-1,1'; torchvision '0,1'. */
  valueRange?: ValueRange;
  /** 3 replicates a gray image into RGB, 1 averages RGB to gray; default: the model's. */
  channels?: 1 | 3;
}

type Model = tf.LayersModel | tf.GraphModel;

/**
 * A TensorFlow.js model (layers or graph format) from a folder with model.json as a feature
 * extractor. Its first output, flattened, is the feature vector (for a converted Inception-v3,
 * the 2048-d pool output gives the usual FID). A second output, when present, is taken as class
 * scores: used as is when its rows already are probabilities, else passed through a softmax.
 */
export async function loadTfjsExtractor(
  path: string,
  options: TfjsPreprocessing = {},
): Promise<FeatureExtractor> {
  const folder = modelFolderOf(path);
  const { handler, sha256, format } = readModelFolder(folder);
  let model: Model;
  try {
    model =
      format === 'graph-model'
        ? await tf.loadGraphModel(handler)
        : await tf.loadLayersModel(handler);
  } catch (error) {
    throw new UserError(
      `--extractor ${folder}: tfjs could not load this ${format} (${(error as Error).message})`,
    );
  }
  const inputShape = model.inputs[0]?.shape ?? [];
  const modelSize = inputShape[1] ?? undefined;
  const modelChannels = inputShape[3] ?? undefined;
  const size =
    options.inputSize ?? (typeof modelSize === 'number' && modelSize > 0 ? modelSize : undefined);
  const channels =
    options.channels ?? (modelChannels === 1 || modelChannels === 3 ? modelChannels : undefined);
  const valueRange = options.valueRange ?? '-1,1';
  const extractor = new TfjsExtractor(model, {
    name: `tfjs:${basename(resolve(folder))}`,
    weightsHash: sha256,
    size,
    channels,
    valueRange,
  });
  try {
    extractor.probe();
  } catch (error) {
    extractor.dispose();
    throw new UserError(
      `--extractor ${folder}: running the model on a [1, ${size ?? '?'}, ${size ?? '?'}, ` +
        `${channels ?? '?'}] image failed (${(error as Error).message}); check --extractor-size ` +
        'and --extractor-channels',
    );
  }
  return extractor;
}

interface Settings {
  name: string;
  weightsHash: string;
  size: number | undefined;
  channels: 1 | 3 | undefined;
  valueRange: ValueRange;
}

class TfjsExtractor implements FeatureExtractor {
  readonly name: string;
  readonly weightsHash: string;
  readonly preprocessing: string;
  dims = 0;
  classes?: number;

  constructor(
    private readonly model: Model,
    private readonly settings: Settings,
  ) {
    this.name = settings.name;
    this.weightsHash = settings.weightsHash;
    const size =
      settings.size === undefined
        ? 'input size kept'
        : `bilinear resize to ${settings.size}x${settings.size}`;
    const channels =
      settings.channels === undefined
        ? 'channels kept'
        : `${settings.channels} channel(s), gray replicated to RGB`;
    this.preprocessing = `${size}, values in [${settings.valueRange}], ${channels}`;
  }

  /** Runs one blank image to learn the output sizes. */
  probe(): void {
    const size = this.settings.size ?? 28;
    const channels = this.settings.channels ?? 1;
    const outputs = tf.tidy(() => this.run(tf.zeros([1, size, size, channels]) as tf.Tensor4D));
    const [features, scores] = outputs;
    this.dims = (features as tf.Tensor2D).shape[1];
    if (scores !== undefined) this.classes = scores.shape[1];
    tf.dispose(outputs);
  }

  features(images: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => {
      const outputs = this.run(images);
      return outputs[0] as tf.Tensor2D;
    });
  }

  probabilities(images: tf.Tensor4D): tf.Tensor2D {
    if (this.classes === undefined) {
      throw new UserError(
        `${this.name}: the model has one output (features); the Inception-style score needs a ` +
          'second output with class scores',
      );
    }
    const scores = tf.tidy(() => this.run(images)[1] as tf.Tensor2D);
    if (looksLikeProbabilities(scores)) return scores;
    const probabilities = tf.softmax(scores);
    scores.dispose();
    return probabilities;
  }

  dispose(): void {
    this.model.dispose();
  }

  /** Preprocesses and runs the model; outputs flattened to `[batch, n]`. */
  private run(images: tf.Tensor4D): tf.Tensor2D[] {
    let x: tf.Tensor4D = images;
    const { size, channels, valueRange } = this.settings;
    const have = x.shape[3];
    if (channels === 3 && have === 1) x = tf.tile(x, [1, 1, 1, 3]);
    else if (channels === 1 && have === 3) x = tf.mean(x, 3, true) as tf.Tensor4D;
    if (size !== undefined && (x.shape[1] !== size || x.shape[2] !== size)) {
      x = tf.image.resizeBilinear(x, [size, size]);
    }
    if (valueRange === '0,1') x = tf.mul(tf.add(x, 1), 0.5);
    else if (valueRange === '0,255') x = tf.mul(tf.add(x, 1), 127.5);
    const raw = this.model.predict(x);
    const list = Array.isArray(raw) ? raw : raw instanceof tf.Tensor ? [raw] : Object.values(raw);
    return list.slice(0, 2).map((t) => tf.reshape(t, [t.shape[0] as number, -1]) as tf.Tensor2D);
  }
}

function looksLikeProbabilities(scores: tf.Tensor2D): boolean {
  const values = scores.dataSync();
  const classes = scores.shape[1];
  for (let row = 0; row < scores.shape[0]; row++) {
    let sum = 0;
    for (let c = 0; c < classes; c++) {
      const v = values[row * classes + c] as number;
      if (v < 0 || v > 1) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-3) return false;
  }
  return true;
}
