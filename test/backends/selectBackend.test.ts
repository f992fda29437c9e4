import { afterEach, describe, expect, it, vi } from 'vitest';
import { tf } from '../../src/tf.js';
import { UserError } from '../../src/errors.js';
import { expectNoLeaks } from '../helpers.js';
import { selectBackend } from '../../src/backends/selectBackend.js';

// Stand-ins for the optional torch package, so these tests do not depend on whether libtorch
// was built on this machine.
const torch = { available: false };
const fallbackCalls: { backend: string; ownKernelPresent: boolean }[] = [];
const stubs: Record<string, unknown> = {
  '@dag-gan/tfjs-backend-torch': { isTorchAvailable: () => torch.available },
  '@dag-gan/tfjs-backend-torch/cpuFallback': {
    registerCpuFallbackKernels: (backend: string) => {
      fallbackCalls.push({
        backend,
        ownKernelPresent: tf.getKernel('Conv2DBackpropFilter', backend) !== undefined,
      });
    },
  },
};
const importModule = async (specifier: string): Promise<unknown> => {
  if (!(specifier in stubs)) throw new Error(`test: no stand-in for ${specifier}`);
  return stubs[specifier];
};
const select = (name: Parameters<typeof selectBackend>[0]) => selectBackend(name, { importModule });

describe('selectBackend', () => {
  afterEach(() => {
    torch.available = false;
  });

  it('cpu: activates cpu and prints nothing on first use', async () => {
    const log = vi.spyOn(console, 'log');
    const warn = vi.spyOn(console, 'warn');
    expect(await select('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    await expectNoLeaks(() => {
      tf.tidy(() => tf.sum(tf.ones([2, 2])).dataSync());
    });
    expect(log).not.toHaveBeenCalled();
    expect(warn).not.toHaveBeenCalled();
    log.mockRestore();
    warn.mockRestore();
  });

  it('wasm: registers the filter gradient, then the cpu fallback, and activates wasm', async () => {
    expect(await select('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(fallbackCalls).toEqual([{ backend: 'wasm', ownKernelPresent: true }]);
    await expectNoLeaks(() => {
      tf.tidy(() => {
        const x = tf.ones([1, 5, 7, 1]) as tf.Tensor4D;
        const g = tf.grad((f: tf.Tensor) => tf.sum(tf.conv2d(x, f as tf.Tensor4D, 1, 'same')));
        // On a 5x7 image of ones, tap (fh, fw) of a 3x3 'same' filter overlaps (4 or 5 rows) x
        // (6 or 7 columns): the outer taps lose one row or column.
        const dW = Array.from(g(tf.ones([3, 3, 1, 1])).dataSync());
        expect(dW).toEqual([24, 28, 24, 30, 35, 30, 24, 28, 24]);
      });
    });
  });

  it('torch unavailable: UserError saying why and how to build it', async () => {
    torch.available = false;
    const err = await select('torch').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as Error).message).toMatch(/^--backend torch: .*native libtorch binding/);
    expect((err as Error).message).toContain('npm run build:native');
    expect((err as Error).message).toContain('libtorch-dev');
  });

  it('auto with torch unavailable: falls back to wasm', async () => {
    torch.available = false;
    expect(await select('auto')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });

  it('auto with torch available but no torch backend registered: UserError', async () => {
    torch.available = true;
    await expect(select('auto')).rejects.toThrow(/--backend torch: Backend name 'torch' not found/);
  });

  it('an unknown name: UserError listing the choices', async () => {
    await expect(select('gpu' as never)).rejects.toThrow(UserError);
    await expect(select('gpu' as never)).rejects.toThrow(
      /expected one of auto, torch, wasm, cpu, got "gpu"/,
    );
  });
});
