import { tf } from '../../tf.js';

type TensorInfo = tf.TensorInfo;
type NamedAttrMap = tf.NamedAttrMap;

/**
 * Runs kernels of the wasm backend from inside one of our kernels and remembers every output,
 * so one call disposes all the intermediates, on success and on failure alike. `op` names the
 * kernel being built, for errors.
 */
export class KernelRunner {
  private readonly owned: TensorInfo[] = [];

  constructor(
    private readonly backend: tf.KernelBackend,
    private readonly op: string,
    private readonly backendName = 'wasm',
  ) {}

  run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: object = {}): TensorInfo {
    const config = tf.getKernel(kernelName, this.backendName);
    if (config === undefined) {
      throw new Error(`${this.op}: the ${this.backendName} backend has no ${kernelName} kernel`);
    }
    const out = config.kernelFunc({ inputs, backend: this.backend, attrs: attrs as NamedAttrMap });
    if (Array.isArray(out)) {
      for (const t of out) this.owned.push(t);
      throw new Error(`${this.op}: ${kernelName} returned several outputs, expected one`);
    }
    this.owned.push(out);
    return out;
  }

  /** Takes ownership of a tensor the caller made on the backend. */
  adopt(t: TensorInfo): TensorInfo {
    this.owned.push(t);
    return t;
  }

  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  /** Hands `t` to the caller: it is no longer disposed by `disposeAll`. */
  release(t: TensorInfo): TensorInfo {
    const i = this.owned.lastIndexOf(t);
    if (i >= 0) this.owned.splice(i, 1);
    return t;
  }

  /** Frees every intermediate; the wasm backend counts references, so shared data survives. */
  disposeAll(): void {
    for (const t of this.owned) this.backend.disposeData(t.dataId);
    this.owned.length = 0;
  }
}
