import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomicWrite.js';

/**
 * `metrics.jsonl`: one JSON object per logged step. Lines are appended as training goes; a
 * resume first cuts the log back to the checkpoint's step (and drops a torn last line), so the
 * log of a resumed run reads like one uninterrupted run.
 */
export class MetricsLog {
  constructor(readonly path: string) {}

  append(record: Record<string, number>): void {
    appendFileSync(this.path, `${JSON.stringify(record)}\n`);
  }

  /** Keeps only whole records with `step <= step`. */
  truncateAfter(step: number): void {
    if (!existsSync(this.path)) return;
    const kept = readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((line) => {
        if (line.trim() === '') return false;
        try {
          return (JSON.parse(line) as { step: number }).step <= step;
        } catch {
          return false;
        }
      });
    writeFileAtomic(this.path, kept.map((line) => `${line}\n`).join(''));
  }

  static read(path: string): Record<string, number>[] {
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, number>);
  }
}
