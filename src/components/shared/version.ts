/**
 * The protocol-version choice every widget offers ('auto' detects it from the bytes), and how a
 * link spells it. One list, one alias table, one selector (version-select.tsx).
 */
import type { ProtocolVersion } from '../../mqtt/codec/index.ts';

export type VersionChoice = 'auto' | '3.1' | '3.1.1' | '5.0';
export type FixedVersionChoice = Exclude<VersionChoice, 'auto'>;
export const VERSION_CHOICES: ReadonlyArray<VersionChoice> = ['auto', '3.1', '3.1.1', '5.0'];
export const VERSION_BY_CHOICE: Readonly<Record<FixedVersionChoice, ProtocolVersion>> = { '3.1': 3, '3.1.1': 4, '5.0': 5 };
export const CHOICE_BY_VERSION: Readonly<Record<ProtocolVersion, FixedVersionChoice>> = { 3: '3.1', 4: '3.1.1', 5: '5.0' };

/**
 * How links may spell a version: the label or the protocol level. A Map, not an object, so a
 * tampered `v=constructor` finds nothing on Object.prototype.
 */
const VERSION_ALIASES: ReadonlyMap<string, VersionChoice> = new Map([
  ['auto', 'auto'], ['3', '3.1'], ['3.1', '3.1'], ['4', '3.1.1'], ['3.1.1', '3.1.1'], ['5', '5.0'], ['5.0', '5.0'],
]);

/** A link's version parameter as a choice, or undefined when it names no version. */
export function versionChoiceOf(value: string | null | undefined): VersionChoice | undefined {
  return value == null ? undefined : VERSION_ALIASES.get(value);
}
