import { describe, expect, it } from 'vitest';
import { featureStatistics } from '../../src/metrics/featureStatistics.js';
import { frechetDistance } from '../../src/metrics/frechetDistance.js';
import { nativeLinalg, typescriptLinalg } from '../../src/metrics/linalg.js';
import { multiplyABt } from '../../src/metrics/matrixProduct.js';
import { Random } from '../../src/random/random.js';
import { expectClose } from '../helpers.js';

const native = await nativeLinalg();
const required = process.env.DAG_GAN_REQUIRE_TORCH !== '0';

function features(samples: number, dims: number, seed: number) {
  const random = new Random(seed);
  const data = new Float64Array(samples * dims);
  for (let i = 0; i < data.length; i++) data[i] = random.normal() * (1 + (i % dims) / dims);
  return { data, samples, dims };
}

describe('native float64 linear algebra (LAPACK and BLAS through the addon)', () => {
  it('is available where the torch backend is built', () => {
    if (required) expect(native?.covariance, 'build the addon: npm run build:native').toBeDefined();
  });

  it.runIf(native?.covariance !== undefined)(
    'covariance of [300, 17] matches the TypeScript one',
    () => {
      const x = features(300, 17, 1);
      const reference = featureStatistics(x);
      const fast = featureStatistics(x, native);
      expectClose(fast.covariance, reference.covariance, { rtol: 1e-10, atol: 1e-12 });
      expectClose(fast.mean, reference.mean, { rtol: 1e-12, atol: 1e-14 });
    },
  );

  it.runIf(native?.multiplyABt !== undefined)(
    'A B^T of [7, 5] x [4, 5] matches the TypeScript one',
    () => {
      const a = features(7, 5, 2).data;
      const b = features(4, 5, 3).data;
      const reference = multiplyABt(a, 7, b, 4, 5, new Float64Array(28));
      expectClose(native?.multiplyABt?.(a, 7, b, 4, 5) ?? [], reference, {
        rtol: 1e-12,
        atol: 1e-12,
      });
    },
  );

  it.runIf(native !== undefined)('FID of [200, 40] sets is the same by either path', async () => {
    const real = features(200, 40, 4);
    const fake = features(150, 40, 5);
    const viaTs = await frechetDistance(real, fake, { linalg: typescriptLinalg });
    const viaNative = await frechetDistance(real, fake, { linalg: native });
    expect(viaNative.linalg).toBe('native');
    expect(viaNative.value).toBeCloseTo(viaTs.value, 8);
  });
});
