/** Polls `ok` every 10 ms for up to 20 s (tests waiting on a socket or a subscription). */
export async function waitUntil(ok: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (ok()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}
