/**
 * The embed bridge, run by the embed layout's one module script: inside another page's iframe
 * it posts `ready` once the widget is interactive, then the document's height whenever it
 * changes (so the host can size the frame: see public/embed/mqtt-lab-embed.js). Not framed, or
 * not on an /embed/ route: it does nothing. Message shape and privacy rule: events.ts.
 */
import { embedMessage, framedWidget, postToParent, takeQueuedEvents } from './events.ts';

/** The document's content height: the <html> box, which (height: auto) follows its content, not the frame. */
function contentHeight(): number {
  return Math.ceil(document.documentElement.getBoundingClientRect().height);
}

/** Resolves once every Astro island on the page has hydrated (the `ssr` attribute goes away then). */
function hydrated(): Promise<void> {
  const pending = () => document.querySelector('astro-island[ssr]') !== null;
  if (!pending()) return Promise.resolve();
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (pending()) return;
      observer.disconnect();
      resolve();
    });
    observer.observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['ssr'] });
  });
}

export function startEmbedBridge(): void {
  const widget = framedWidget();
  if (widget === null) return;
  const lang = document.documentElement.lang.toLowerCase() === 'zh-cn' ? 'zh-cn' : 'en';

  let lastHeight = -1;
  const report = () => {
    const height = contentHeight();
    if (height === lastHeight) return;
    lastHeight = height;
    postToParent(embedMessage(widget, 'resize', { height }));
  };
  report();
  // The <html> box changes size with the content and with the frame's width (text rewraps).
  new ResizeObserver(report).observe(document.documentElement);

  void hydrated().then(() => {
    document.documentElement.setAttribute('data-mqtt-lab-ready', '');
    postToParent(embedMessage(widget, 'ready', { lang }));
    for (const message of takeQueuedEvents()) postToParent(message);
    report();
  });
}
