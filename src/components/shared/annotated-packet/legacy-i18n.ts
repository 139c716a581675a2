/**
 * Messages the models produce without knowing the page's language: a key into the view's label
 * table plus parameters, or a ready sentence (the codec explains rules in English only).
 */
export type Msg = { key: string; params?: Readonly<Record<string, string | number>> } | { text: string };

export const msg = (key: string, params?: Record<string, string | number>): Msg => (params === undefined ? { key } : { key, params });
export const text = (sentence: string): Msg => ({ text: sentence });

/** Fills `{name}` placeholders. Numbers are grouped the English way unless the table says otherwise. */
export function fill(template: string, params: Readonly<Record<string, string | number>> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return typeof value === 'number' ? value.toLocaleString('en') : value;
  });
}

/** Renders a message with a label table; an unknown key shows the key itself (visible in tests). */
export function render(message: Msg, table: Readonly<Record<string, string>>): string {
  if ('text' in message) return message.text;
  const template = table[message.key];
  return template === undefined ? message.key : fill(template, message.params);
}

/** "1 byte" / "2 bytes" style plurals for English; other tables can give both the same. */
export function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
