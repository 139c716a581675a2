/**
 * The "Embed" button under a widget on its tool page: opens a panel with the `<iframe>` snippet
 * of the widget's current state (read from the page's URL hash when the panel opens and again at
 * each copy, since widgets keep their state there), a theme choice, and a plain link to the same
 * state. Copies with the Clipboard API; where that is missing or refused, it says so and selects
 * the text in its box for the reader to copy.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { translator, type CatalogueKey } from '../../i18n/catalogue.ts';
import type { Lang } from '../../i18n/lang.ts';
import { embedSnippet, EMBED_THEMES, isEmbedWidget, type EmbedTheme, type EmbedWidget } from './snippet.ts';
import './embed-button.css';

export interface EmbedButtonProps {
  /** Which widget's embed route the snippet points to. */
  widget: EmbedWidget;
  lang?: Lang;
}

type Copied = { what: 'html' | 'link'; ok: boolean } | null;

export default function EmbedButton({ widget, lang = 'en' }: EmbedButtonProps) {
  const t = useMemo(() => translator(lang), [lang]);
  const id = useId();
  const [open, setOpen] = useState(false);
  const [theme, setTheme] = useState<EmbedTheme>('auto');
  const [where, setWhere] = useState({ hash: '', origin: '' });
  const [copied, setCopied] = useState<Copied>(null);
  const button = useRef<HTMLButtonElement>(null);
  const htmlBox = useRef<HTMLTextAreaElement>(null);
  const linkBox = useRef<HTMLInputElement>(null);

  const readLocation = useCallback(() => {
    const next = { hash: window.location.hash, origin: window.location.origin };
    setWhere(next);
    return next;
  }, []);

  useEffect(() => {
    if (!open) return;
    readLocation();
    window.addEventListener('hashchange', readLocation);
    return () => window.removeEventListener('hashchange', readLocation);
  }, [open, readLocation]);

  if (!isEmbedWidget(widget)) return null;
  const title = t(`embed.title.${widget}` as CatalogueKey);
  const snippetFor = (w: { hash: string; origin: string }) => embedSnippet({ widget, lang, hash: w.hash, origin: w.origin, theme, title });
  const snippet = snippetFor(where);

  const copy = async (what: 'html' | 'link') => {
    // The widget may have changed since the panel opened (widgets replace the hash silently).
    const now = snippetFor(readLocation());
    const text = what === 'html' ? now.html : now.link;
    let ok = false;
    try {
      if (navigator.clipboard?.writeText === undefined) throw new Error('no clipboard');
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      const box = what === 'html' ? htmlBox.current : linkBox.current;
      box?.focus();
      box?.select();
    }
    setCopied({ what, ok });
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape') return;
    setOpen(false);
    button.current?.focus();
  };

  const trainers = `${lang === 'zh-cn' ? '/zh-cn' : ''}/tools/embedding/`;
  const status = copied === null ? '' : copied.ok ? t(copied.what === 'html' ? 'embed.copiedHtml' : 'embed.copiedLink') : t('embed.copyFailed');

  return (
    <div className="mqtt-embed not-content" data-testid="embed" data-embed-for={widget}>
      <button type="button" ref={button} className="mqtt-embed__toggle" aria-expanded={open} aria-controls={`${id}-panel`}
        onClick={() => { setCopied(null); setOpen((o) => !o); }} data-testid="embed-button">
        {t('embed.button')}
      </button>
      {open && (
        <div id={`${id}-panel`} className="mqtt-embed__panel" role="group" aria-label={t('embed.panelLabel', { widget: title })} onKeyDown={onKeyDown}>
          <p className="mqtt-embed__help">{t('embed.help')} <a href={trainers}>{t('embed.trainersLink')}</a></p>
          <fieldset className="mqtt-embed__theme">
            <legend>{t('embed.theme')}</legend>
            {EMBED_THEMES.map((choice) => (
              <label key={choice}>
                <input type="radio" name={`${id}-theme`} value={choice} checked={theme === choice} onChange={() => setTheme(choice)} data-testid={`embed-theme-${choice}`} />
                {t(`embed.theme.${choice}` as CatalogueKey)}
              </label>
            ))}
          </fieldset>
          <label htmlFor={`${id}-html`}>{t('embed.htmlLabel')}</label>
          <textarea id={`${id}-html`} ref={htmlBox} readOnly rows={5} value={snippet.html} onFocus={(e) => e.currentTarget.select()} data-testid="embed-html" />
          <div className="mqtt-embed__row">
            <button type="button" onClick={() => void copy('html')} data-testid="embed-copy-html">{t('embed.copyHtml')}</button>
          </div>
          <label htmlFor={`${id}-link`}>{t('embed.linkLabel')}</label>
          <div className="mqtt-embed__row">
            <input id={`${id}-link`} ref={linkBox} type="text" readOnly value={snippet.link} onFocus={(e) => e.currentTarget.select()} data-testid="embed-link" />
            <button type="button" onClick={() => void copy('link')} data-testid="embed-copy-link">{t('embed.copyLink')}</button>
          </div>
          <p className="mqtt-embed__status" role="status" data-testid="embed-status">{status}</p>
        </div>
      )}
    </div>
  );
}
