/** Small display helpers shared by the lab's parts. */

/** Lab time: "12.000 s", or "2:05.000" past a minute. */
export function formatTime(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(3)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = seconds - minutes * 60;
  return `${minutes}:${rest.toFixed(3).padStart(6, '0')}`;
}

/** A duration for countdowns: "42 s", "3 min 20 s", "1 h 0 min". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  if (total < 60) return `${total} s`;
  if (total < 3600) return `${Math.floor(total / 60)} min${total % 60 ? ` ${total % 60} s` : ''}`;
  return `${Math.floor(total / 3600)} h ${Math.floor((total % 3600) / 60)} min`;
}

export function decoderHref(decoderPath: string, hex: string, version: number): string {
  return `${decoderPath}#hex=${hex}&v=${version === 5 ? '5' : version === 3 ? '3.1' : '3.1.1'}`;
}

/** A short random tag for client ids and topics on a shared public broker (not security). */
export function randomTag(): string {
  return Math.random().toString(36).slice(2, 6).padEnd(4, '0');
}
