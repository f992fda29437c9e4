import { tf } from '../tf.js';
import type { Random } from '../random/random.js';

/**
 * The named weights of one network, in a fixed order. Names are ours (`conv1/filter`), not
 * tfjs's global variable names, so several models can live in one process and checkpoints stay
 * readable. Buffers (batch-norm running statistics) are kept apart from trainable weights.
 */
export class ParameterStore {
  readonly weights = new Map<string, tf.Variable>();
  readonly buffers = new Map<string, tf.Variable>();

  /** A weight drawn uniformly from [-bound, bound] with `random`, as PyTorch initialises layers. */
  uniform(name: string, shape: number[], bound: number, random: Random): tf.Variable {
    const count = shape.reduce((p, s) => p * s, 1);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = (random.uniform() * 2 - 1) * bound;
    return this.add(name, tf.tensor(values, shape, 'float32'));
  }

  constant(name: string, shape: number[], value: number): tf.Variable {
    return this.add(name, tf.fill(shape, value, 'float32'));
  }

  buffer(name: string, shape: number[], value: number): tf.Variable {
    if (this.buffers.has(name)) throw new Error(`ParameterStore: buffer ${name} exists`);
    const variable = tf.variable(tf.fill(shape, value, 'float32'), false);
    this.buffers.set(name, variable);
    return variable;
  }

  get(name: string): tf.Variable {
    const variable = this.weights.get(name) ?? this.buffers.get(name);
    if (!variable) throw new Error(`ParameterStore: no parameter named ${name}`);
    return variable;
  }

  trainable(): tf.Variable[] {
    return [...this.weights.values()];
  }

  /** Number of trainable scalars. */
  size(): number {
    return this.trainable().reduce((total, v) => total + v.size, 0);
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
    for (const v of this.buffers.values()) v.dispose();
    this.weights.clear();
    this.buffers.clear();
  }

  private add(name: string, initial: tf.Tensor): tf.Variable {
    if (this.weights.has(name)) throw new Error(`ParameterStore: weight ${name} exists`);
    const variable = tf.variable(initial, true);
    initial.dispose();
    this.weights.set(name, variable);
    return variable;
  }
}
