import { DataStorage, KernelBackend, engine, util } from '@tensorflow/tfjs-core';
import type {
  BackendTimingInfo,
  BackendValues,
  DataId,
  DataType,
  TensorInfo,
} from '@tensorflow/tfjs-core';
import type { TorchAddon } from './native.js';

/** What the backend knows about one data id; the values themselves live in the addon. */
interface TensorData {
  handle: number;
  dtype: DataType;
  shape: number[];
  bytes: number;
  refCount: number;
}

/** `memory()` of this backend: tfjs's fields plus the addon's own count. */
export interface TorchMemoryInfo {
  unreliable: boolean;
  reasons?: string[];
  /** Tensors alive in the addon, views included; equals numDataIds when nothing leaks. */
  numNativeTensors: number;
  numBytesInTorch: number;
}

const DTYPE_CODES: Partial<Record<DataType, number>> = { float32: 0, int32: 1, bool: 2 };
const DTYPES: DataType[] = ['float32', 'int32', 'bool'];

function typedArrayFor(dtype: DataType, values: BackendValues): ArrayBufferView {
  if (dtype === 'float32') {
    return values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
  }
  if (dtype === 'int32') {
    return values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
  }
  return values instanceof Uint8Array ? values : Uint8Array.from(values as ArrayLike<number>);
}

/**
 * A tfjs KernelBackend whose tensors are ATen tensors held by the addon. Each data id owns one
 * native handle; refcounts follow the cpu backend's (incRef for aliases, disposeData frees when
 * the count reaches zero), so native memory is released deterministically, never by the GC.
 */
export class TorchBackend extends KernelBackend {
  readonly data: DataStorage<TensorData>;
  private readonly kernelIds = new Map<string, number>();
  private readonly meta: Int32Array;
  private readonly handles = new Set<number>();
  private nextDataId = 0;
  private bytes = 0;

  constructor(private readonly addon: TorchAddon) {
    super();
    this.data = new DataStorage(this, engine());
    addon.kernelNames().forEach((name, id) => this.kernelIds.set(name, id));
    this.meta = addon.metaBuffer();
  }

  /** Whether the addon has a kernel of this name. */
  hasNativeKernel(name: string): boolean {
    return this.kernelIds.has(name);
  }

  /** Runs a native kernel; `attrs` must hold plain numbers, booleans, strings and arrays. */
  run(kernel: string, inputs: readonly TensorInfo[], attrs?: object): TensorInfo[] {
    const id = this.kernelIds.get(kernel);
    if (id === undefined) throw new Error(`${kernel}: no native kernel of this name`);
    const handles = inputs.map((t) => this.data.get(t.dataId).handle);
    const n = this.addon.run(id, handles, attrs);
    const meta = this.meta;
    const outputs: TensorInfo[] = [];
    let pos = 1;
    for (let i = 0; i < n; i++) {
      const handle = meta[pos++] as number;
      const dtype = DTYPES[meta[pos++] as number] as DataType;
      const rank = meta[pos++] as number;
      const shape = Array.from(meta.subarray(pos, pos + rank));
      pos += rank;
      outputs.push(this.adopt(handle, shape, dtype, 1));
    }
    return outputs;
  }

  /** Runs a native kernel with exactly one output. */
  run1(kernel: string, inputs: readonly TensorInfo[], attrs?: object): TensorInfo {
    return this.run(kernel, inputs, attrs)[0] as TensorInfo;
  }

  private adopt(handle: number, shape: number[], dtype: DataType, refCount: number): TensorInfo {
    const dataId = { id: this.nextDataId++ };
    const bytes = util.sizeFromShape(shape) * util.bytesPerElement(dtype);
    this.data.set(dataId, { handle, dtype, shape, bytes, refCount });
    this.handles.add(handle);
    this.bytes += bytes;
    return { dataId, shape, dtype };
  }

  private store(values: BackendValues | null, shape: number[], dtype: DataType): number {
    const code = DTYPE_CODES[dtype];
    if (code === undefined) {
      throw new Error(`torch backend: dtype ${dtype} is not supported (float32, int32, bool are)`);
    }
    const size = util.sizeFromShape(shape);
    const typed =
      values == null ? typedArrayFor(dtype, new Float32Array(size)) : typedArrayFor(dtype, values);
    return this.addon.write(typed, code, shape);
  }

  override write(values: BackendValues | null, shape: number[], dtype: DataType): DataId {
    return this.adopt(this.store(values, shape, dtype), shape, dtype, 1).dataId;
  }

  /** Writes values into a new tensor and describes it, as the cpu backend's helper does. */
  makeTensorInfo(shape: number[], dtype: DataType, values?: BackendValues): TensorInfo {
    return { dataId: this.write(values ?? null, shape, dtype), shape, dtype };
  }

  override move(
    dataId: DataId,
    values: BackendValues,
    shape: number[],
    dtype: DataType,
    refCount: number,
  ): void {
    const handle = this.store(values, shape, dtype);
    const bytes = util.sizeFromShape(shape) * util.bytesPerElement(dtype);
    this.data.set(dataId, { handle, dtype, shape, bytes, refCount });
    this.handles.add(handle);
    this.bytes += bytes;
  }

  override readSync(dataId: DataId): BackendValues {
    const d = this.data.get(dataId);
    const buffer = this.addon.read(d.handle);
    if (d.dtype === 'float32') return new Float32Array(buffer);
    if (d.dtype === 'int32') return new Int32Array(buffer);
    return new Uint8Array(buffer);
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }

  override refCount(dataId: DataId): number {
    return this.data.has(dataId) ? this.data.get(dataId).refCount : 0;
  }

  override incRef(dataId: DataId): void {
    this.data.get(dataId).refCount++;
  }

  override disposeData(dataId: DataId, force = false): boolean {
    if (!this.data.has(dataId)) return true;
    const d = this.data.get(dataId);
    d.refCount--;
    if (!force && d.refCount > 0) return false;
    this.addon.free(d.handle);
    this.handles.delete(d.handle);
    this.bytes -= d.bytes;
    this.data.delete(dataId);
    return true;
  }

  /** Frees an intermediate result a kernel made and did not return. */
  disposeIntermediateTensorInfo(info: TensorInfo): void {
    this.disposeData(info.dataId);
  }

  override numDataIds(): number {
    return this.data.numDataIds();
  }

  override memory(): TorchMemoryInfo {
    return {
      unreliable: false,
      numNativeTensors: this.addon.liveCount(),
      numBytesInTorch: this.bytes,
    };
  }

  override async time(f: () => void): Promise<BackendTimingInfo> {
    const start = performance.now();
    f();
    return { kernelMs: performance.now() - start };
  }

  override floatPrecision(): 16 | 32 {
    return 32;
  }

  override dispose(): void {
    for (const handle of this.handles) this.addon.free(handle);
    this.handles.clear();
    this.bytes = 0;
  }
}
