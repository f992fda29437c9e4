/**
 * Times the Fréchet distance on seeded random features: 10,000 x 256 and 10,000 x 2048, through
 * the TypeScript eigensolver and, when the native addon exports symmetricEigen, through it.
 * Prints one JSON line per case; bench/frechet_scipy.py prints the same fields for SciPy.
 *
 *   node dist/bench/frechet.js [--dims 256,2048] [--samples 10000]
 */
import { parseArgs } from 'node:util';
import { featureStatistics } from '../src/metrics/featureStatistics.js';
import { frechetFromStatistics } from '../src/metrics/frechetDistance.js';
import { nativeLinalg, typescriptLinalg } from '../src/metrics/linalg.js';
import type { Linalg } from '../src/metrics/linalg.js';
import { Random } from '../src/random/random.js';

const { values } = parseArgs({
  options: {
    dims: { type: 'string', default: '256,2048' },
    samples: { type: 'string', default: '10000' },
    seed: { type: 'string', default: '0' },
  },
});
const samples = Number(values.samples);
const seed = Number(values.seed);

/** Real ~ N(0, I); fake ~ N(0.1, 1.2^2 I) with a little correlation, so the distance is not 0. */
function features(n: number, d: number, stream: number): Float64Array {
  const random = new Random(seed, stream);
  const out = new Float64Array(n * d);
  for (let s = 0; s < n; s++) {
    let previous = 0;
    for (let j = 0; j < d; j++) {
      const z = random.normal();
      out[s * d + j] = stream === 0 ? z : 0.1 + 1.2 * z + 0.3 * previous;
      previous = z;
    }
  }
  return out;
}

const implementations: Linalg[] = [typescriptLinalg];
const native = await nativeLinalg();
if (native) implementations.push(native);

for (const d of values.dims.split(',').map(Number)) {
  const real = { data: features(samples, d, 0), samples, dims: d };
  const fake = { data: features(samples, d, 1), samples, dims: d };
  for (const linalg of implementations) {
    const t0 = performance.now();
    const a = featureStatistics(real, linalg);
    const b = featureStatistics(fake, linalg);
    const t1 = performance.now();
    const r = await frechetFromStatistics(a.mean, a.covariance, b.mean, b.covariance, { linalg });
    const t2 = performance.now();
    console.log(
      JSON.stringify({
        bench: 'frechet',
        implementation: linalg.name,
        samples,
        dims: d,
        statisticsSeconds: +((t1 - t0) / 1000).toFixed(3),
        distanceSeconds: +((t2 - t1) / 1000).toFixed(3),
        totalSeconds: +((t2 - t0) / 1000).toFixed(3),
        value: r.value,
      }),
    );
  }
}
