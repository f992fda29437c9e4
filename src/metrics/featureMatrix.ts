/**
 * A feature matrix [samples, dims], row-major float64: one extractor embedding per row.
 * Every metric in dag-gan takes its inputs in this form.
 */
export interface FeatureMatrix {
  readonly data: Float64Array;
  readonly samples: number;
  readonly dims: number;
}

/**
 * What the caller knows about how the features were made (extractor name, weights hash,
 * preprocessing, which real split). It is copied into every result so that numbers from
 * different setups are not compared by mistake; metrics never read it.
 */
export type Provenance = Readonly<Record<string, string | number | boolean | null>>;

/**
 * Wraps row-major values as a [samples, dims] feature matrix, converting float32 to float64.
 * Throws when the length does not match the shape or a value is not finite.
 */
export function featureMatrix(
  values: Float64Array | Float32Array | ArrayLike<number>,
  samples: number,
  dims: number,
  name = 'features',
): FeatureMatrix {
  if (!Number.isInteger(samples) || samples < 0 || !Number.isInteger(dims) || dims < 0) {
    throw new Error(`featureMatrix: expected a [samples, dims] shape, got [${samples}, ${dims}]`);
  }
  if (values.length !== samples * dims) {
    throw new Error(
      `featureMatrix: ${name} of shape [${samples}, ${dims}] needs ${samples * dims} values, ` +
        `got ${values.length}`,
    );
  }
  const data = values instanceof Float64Array ? values : Float64Array.from(values);
  checkFinite(data, name, 'featureMatrix');
  return { data, samples, dims };
}

/** Throws `operation: <name> has a non-finite value ...` at the first NaN or infinity. */
export function checkFinite(data: ArrayLike<number>, name: string, operation: string): void {
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new Error(`${operation}: ${name} has a non-finite value ${data[i]} at index ${i}`);
    }
  }
}

/** Checks that a value has the FeatureMatrix shape invariants; used at every metric boundary. */
export function checkFeatureMatrix(m: FeatureMatrix, name: string, operation: string): void {
  if (
    !(m.data instanceof Float64Array) ||
    !Number.isInteger(m.samples) ||
    !Number.isInteger(m.dims) ||
    m.data.length !== m.samples * m.dims
  ) {
    throw new Error(
      `${operation}: expected ${name} as a [samples, dims] float64 feature matrix, got ` +
        `samples=${m.samples} dims=${m.dims} length=${m.data?.length}`,
    );
  }
  if (m.dims === 0) throw new Error(`${operation}: ${name} has 0 feature dimensions`);
}
