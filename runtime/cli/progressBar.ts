/**
 * A one-line progress bar on stderr, only when stderr is a terminal (never in logs or CI); for
 * runs without a known end (paper), a status line instead.
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr): ((done: number, total: number) => void) & { finish(): void; status(text: string): void } {
  const enabled = Boolean(stream.isTTY);
  let drawn = false;
  const update = (done: number, total: number) => {
    if (!enabled || total <= 0) return;
    const width = 30;
    const filled = Math.round((done / total) * width);
    stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${Math.floor((done / total) * 100)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')}`);
    drawn = true;
  };
  return Object.assign(update, {
    status(text: string) {
      if (!enabled) return;
      stream.write(`\r\x1b[K${label}: ${text}`);
      drawn = true;
    },
    finish() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  });
}
