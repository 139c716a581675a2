/**
 * Renders the simulator's structured messages (src/mqtt/simulator/qos-flow.ts) in a language.
 * A value may itself be a message (a packet summary, a party) or a list of them: those are
 * rendered first, then the template of the outer key.
 */
import { translate } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';
import type { FlowMessage, NoteValue } from '../../mqtt/simulator/qos-flow.ts';

function isMessage(value: NoteValue): value is FlowMessage {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function renderFlow(lang: Lang, message: FlowMessage): string {
  const values: Record<string, string | number | boolean> = {};
  for (const [name, value] of Object.entries(message.values ?? {})) {
    if (Array.isArray(value)) values[name] = (value as readonly FlowMessage[]).map((m) => renderFlow(lang, m)).join(translate(lang, 'animator.listSeparator'));
    else if (isMessage(value)) values[name] = renderFlow(lang, value);
    else values[name] = value as string | number | boolean;
  }
  return translate(lang, message.key, values);
}
