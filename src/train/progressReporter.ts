/**
 * The line a person watches during training: step, images seen, losses, images/s and ETA.
 * On a terminal one line is redrawn in place with a bar; otherwise (a log file, CI) a plain
 * line is printed every `plainEvery` steps, so logs stay readable.
 */
export interface ProgressSnapshot {
  step: number;
  totalSteps: number;
  imagesSeen: number;
  imagesPerSecond: number;
  lossD: number;
  lossG: number;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(s % 60)}` : `${two(m)}:${two(s % 60)}`;
}

function formatKimg(images: number): string {
  return `${(images / 1000).toFixed(1)} kimg`;
}

export class ProgressReporter {
  private readonly isTTY: boolean;
  private lastPlainStep = -Infinity;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly plainEvery = 100,
  ) {
    this.isTTY = Boolean(stream.isTTY);
  }

  update(p: ProgressSnapshot): void {
    const remaining = (p.totalSteps - p.step) / Math.max(p.imagesPerSecond, 1e-9);
    const etaSeconds = p.step > 0 ? remaining * (p.imagesSeen / p.step) : NaN;
    const fields =
      `step ${p.step}/${p.totalSteps}  ${formatKimg(p.imagesSeen)}  ` +
      `D ${p.lossD.toFixed(3)}  G ${p.lossG.toFixed(3)}  ` +
      `${p.imagesPerSecond.toFixed(0)} img/s  ETA ${formatDuration(etaSeconds)}`;
    if (this.isTTY) {
      const width = 24;
      const filled = Math.round((width * p.step) / Math.max(p.totalSteps, 1));
      const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
      this.stream.write(`\r[${bar}] ${fields}\x1b[K`);
    } else if (p.step - this.lastPlainStep >= this.plainEvery || p.step === p.totalSteps) {
      this.lastPlainStep = p.step;
      this.stream.write(`${fields}\n`);
    }
  }

  /** A message on its own line, not overwritten by the bar. */
  message(text: string): void {
    this.stream.write(this.isTTY ? `\r\x1b[K${text}\n` : `${text}\n`);
  }

  finish(): void {
    if (this.isTTY) this.stream.write('\n');
  }
}
