/** Small display helpers shared by the lab's parts. */

export function decoderHref(decoderPath: string, hex: string, version: number): string {
  return `${decoderPath}#hex=${hex}&v=${version === 5 ? '5' : version === 3 ? '3.1' : '3.1.1'}`;
}

/** A short random tag for client ids and topics on a shared public broker (not security). */
export function randomTag(): string {
  return Math.random().toString(36).slice(2, 6).padEnd(4, '0');
}
