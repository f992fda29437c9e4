import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { expandGrid, parseGrid, readGrid } from '../../src/experiment/experimentGrid.js';
import { resultsCsv, spread } from '../../src/experiment/experimentResults.js';
import { fidPlotSvg, niceTicks } from '../../src/experiment/fidPlot.js';
import { runConfig } from '../../src/experiment/runExperiment.js';
import { expectClose } from '../helpers.js';

describe('experiment parts', () => {
  it('spread [1,2,4]: mean 7/3, sample std sqrt(7/3); one value has no std', () => {
    const s = spread([1, 2, 4]);
    // Deviations -4/3, -1/3, 5/3: squares sum to 42/9, over n - 1 = 2 gives 7/3.
    expectClose([s?.mean ?? NaN, s?.std ?? NaN], [7 / 3, Math.sqrt(7 / 3)], { rtol: 1e-12 });
    expect(spread([5])).toEqual({ mean: 5, std: null });
    expect(spread([])).toBeNull();
  });

  it('niceTicks [0, 642] -> 0..800 by 200; [0, 6] -> 0..6 by 2; [0, 3000] by 1000', () => {
    // 642 / 5 = 128.4: the first of 100, 200, 500 at or above it is 200.
    expect(niceTicks(0, 642)).toEqual([0, 200, 400, 600, 800]);
    expect(niceTicks(0, 6)).toEqual([0, 2, 4, 6]);
    expect(niceTicks(0, 3000)).toEqual([0, 1000, 2000, 3000]);
    expect(niceTicks(0, 3000, 10)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000]);
  });

  it('fidPlotSvg 2 series: points inside the plot, top tick above the data, escaped labels', () => {
    const svg = fidPlotSvg(
      [
        {
          label: 'a<b',
          points: [
            { x: 0, y: 10 },
            { x: 100, y: 642 },
          ],
        },
        { label: 'c', points: [{ x: 50, y: 5 }] },
      ],
      { title: 't', xLabel: 'step', yLabel: 'FID', floor: 3 },
    );
    expect(svg).toContain('>a&lt;b</text>');
    // 642 * 1.05 = 674.1 rounds up to the tick 800.
    expect(svg).toContain('>800</text>');
    expect(svg).toContain('real vs real (floor)');
    const ys = [...svg.matchAll(/<circle cx="[\d.]+" cy="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(ys).toHaveLength(3);
    // The plot spans y in [44, 424] for the default height of 480.
    for (const y of ys) expect(y > 44 && y <= 424).toBe(true);
  });

  it('resultsCsv: empty cells for missing values, quotes around commas', () => {
    const csv = resultsCsv([
      {
        setting: 'dag@10%',
        mode: 'dag',
        policy: 'rotation,cropping',
        dataFraction: 0.1,
        seeds: 1,
        steps: 10,
        finalFid: { mean: 12.3456789, std: null },
        bestFid: null,
        finalKid: null,
        bestKid: null,
        curve: [],
      },
    ]);
    expect(csv.split('\n')[1]).toBe('dag@10%,dag,"rotation,cropping",0.1,1,10,12.3457,,,,,,,');
  });

  it('grid 2 fractions x 3 settings x 2 seeds expands to 12 runs in distinct folders', () => {
    const grid = parseGrid({
      name: 'g',
      data: 'somewhere',
      dataFractions: [0.1, 0.2],
      seeds: [0, 1],
      train: { steps: 8 },
      settings: [
        { name: 'a' },
        { name: 'b', train: { mode: 'none', policy: 'none' } },
        { name: 'c' },
      ],
    });
    const runs = expandGrid(grid);
    expect(runs).toHaveLength(12);
    expect(new Set(runs.map((r) => r.folder)).size).toBe(12);
    expect(runs[2]?.flags).toEqual({
      steps: 8,
      mode: 'none',
      policy: 'none',
      'data-fraction': 0.1,
      seed: 0,
      data: 'somewhere',
    });
    expect(runs[2]?.settingId).toBe('b@10%');
  });

  it('runConfig keeps every checkpoint: steps 3000, checkpoint-every 250 -> 13', () => {
    const [run] = expandGrid(
      parseGrid({
        name: 'g',
        train: { steps: 3000, 'checkpoint-every': 250 },
        settings: [{ name: 'a' }],
      }),
    );
    const config = runConfig(run as NonNullable<typeof run>, {});
    expect(config.keepCheckpoints).toBe(13);
    expect(config.steps).toBe(3000);
  });

  it('grid errors: reserved flag, unknown flag, duplicate names, bad fractions are UserErrors', () => {
    const base = { name: 'g', settings: [{ name: 'a' }] };
    expect(() => parseGrid({ ...base, train: { seed: 1 } })).toThrow(/"seed" is set by the grid/);
    expect(() => parseGrid({ ...base, train: { stpes: 1 } })).toThrow(/unknown train flag "stpes"/);
    expect(() => parseGrid({ name: 'g', settings: [{ name: 'a' }, { name: 'a' }] })).toThrow(
      /appears twice/,
    );
    expect(() => parseGrid({ ...base, dataFractions: [0] })).toThrow(UserError);
  });

  it('experiments/limited-data.json: 2 fractions x 6 settings x 2 seeds, full Fashion-MNIST', () => {
    const grid = readGrid('experiments/limited-data.json');
    expect(grid.dataFractions).toEqual([0.1, 0.2]);
    expect(grid.seeds).toHaveLength(2);
    expect(grid.data).toBe('fashion-mnist-full');
    const runs = expandGrid(grid);
    expect(runs).toHaveLength(24);
    // Every setting is a valid train configuration.
    for (const run of runs) expect(() => runConfig(run, {})).not.toThrow();
  });
});
