import { tf } from '../tf.js';

export interface AdamConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/** Adam's moments for a set of named weights, as saved in checkpoints. */
export interface AdamState {
  step: number;
  moments: Map<string, { m: Float32Array; v: Float32Array }>;
}

/**
 * Adam (Kingma and Ba 2015) with PyTorch's update: bias-corrected moments and epsilon added
 * after the square root. Written here rather than taken from tf.train so that its state has
 * names of ours and round-trips through checkpoints exactly.
 */
export class Adam {
  readonly config: AdamConfig;
  private step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();

  constructor(
    private readonly weights: ReadonlyMap<string, tf.Variable>,
    config: AdamConfig,
  ) {
    this.config = config;
    for (const [name, weight] of weights) {
      this.m.set(name, tf.variable(tf.zerosLike(weight), false));
      this.v.set(name, tf.variable(tf.zerosLike(weight), false));
    }
  }

  /** Applies one update from gradients keyed by the weights' tfjs variable names. */
  apply(gradients: Record<string, tf.Tensor>): void {
    this.step += 1;
    const { learningRate, beta1, beta2, epsilon } = this.config;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    tf.tidy(() => {
      for (const [name, weight] of this.weights) {
        const gradient = gradients[weight.name];
        if (gradient === undefined) continue;
        const m = this.m.get(name) as tf.Variable;
        const v = this.v.get(name) as tf.Variable;
        m.assign(tf.add(tf.mul(m, beta1), tf.mul(gradient, 1 - beta1)));
        v.assign(tf.add(tf.mul(v, beta2), tf.mul(tf.square(gradient), 1 - beta2)));
        const denominator = tf.add(tf.div(tf.sqrt(v), Math.sqrt(correction2)), epsilon);
        const update = tf.mul(tf.div(m, denominator), learningRate / correction1);
        weight.assign(tf.sub(weight, update));
      }
    });
  }

  state(): AdamState {
    const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
    for (const name of this.weights.keys()) {
      moments.set(name, {
        m: (this.m.get(name) as tf.Variable).dataSync() as Float32Array,
        v: (this.v.get(name) as tf.Variable).dataSync() as Float32Array,
      });
    }
    return { step: this.step, moments };
  }

  setState(state: AdamState): void {
    for (const [name, weight] of this.weights) {
      const saved = state.moments.get(name);
      if (!saved) throw new Error(`Adam.setState: no moments saved for ${name}`);
      if (saved.m.length !== weight.size || saved.v.length !== weight.size) {
        throw new Error(`Adam.setState: moments of ${name} have the wrong size`);
      }
      tf.tidy(() => {
        (this.m.get(name) as tf.Variable).assign(tf.tensor(saved.m, weight.shape));
        (this.v.get(name) as tf.Variable).assign(tf.tensor(saved.v, weight.shape));
      });
    }
    this.step = state.step;
  }

  dispose(): void {
    for (const variable of [...this.m.values(), ...this.v.values()]) variable.dispose();
  }
}
