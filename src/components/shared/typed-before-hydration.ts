/**
 * What a reader typed or pasted into a server-rendered <textarea> before its island hydrated.
 *
 * Hydrating a <textarea>, React sets its value back to the server's text (it keeps an <input>'s),
 * so a paste made while the island's code was still loading would vanish. Call this while
 * rendering (a useState initialiser): that comes before React touches the DOM. It returns null on
 * the server, when the element is not in the page, or when its value is still the server's text.
 */
export function textTypedBeforeHydration(elementId: string, serverText: string): string | null {
  if (typeof document === 'undefined') return null;
  const element = document.getElementById(elementId);
  if (!(element instanceof HTMLTextAreaElement) || element.value === serverText) return null;
  return element.value;
}
