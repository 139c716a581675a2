import { useEffect, useId, useMemo, useState } from 'react';
import { quickDecode, type VersionChoice } from './quick-decode-model.ts';
import { hashParams } from '../shared/url-hash.ts';
import { versionChoiceOf } from '../shared/version.ts';
import VersionSelect from '../shared/version-select.tsx';
import { textTypedBeforeHydration } from '../shared/typed-before-hydration.ts';
import { translator } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';

const EXAMPLE = '10 1a 00 04 4d 51 54 54 04 02 00 3c 00 0e 6d 6f 73 71 5f 70 75 62 5f 31 32 33 34 35';

export interface QuickDecodeProps {
  /** The page's language; every label comes from the catalogue. */
  lang?: Lang;
  /** The hex shown (and decoded) when the page loads; a tutorial passes its own example. */
  initial?: string;
}

/** A minimal "decode this hex" island over the shared codec. Decodes on submit, not per keystroke. */
export default function QuickDecode({ lang = 'en', initial = EXAMPLE }: QuickDecodeProps) {
  const t = useMemo(() => translator(lang), [lang]);
  const id = useId();
  const [text, setText] = useState(() => textTypedBeforeHydration(`${id}-hex`, initial) ?? initial);
  const [choice, setChoice] = useState<VersionChoice>('auto');
  const [submitted, setSubmitted] = useState<{ text: string; choice: VersionChoice }>({ text: initial, choice: 'auto' });
  const result = useMemo(() => quickDecode(submitted.text, submitted.choice, lang), [submitted, lang]);
  // Until React has hydrated the form, pressing Decode would submit it natively: the page would
  // reload and drop what the reader pasted. The server renders the button disabled; hydration enables it.
  const [hydrated, setHydrated] = useState(false);

  // Links from other widgets carry bytes as #hex=…&v=5 (the hash never reaches a server).
  useEffect(() => {
    setHydrated(true);
    const params = hashParams(window.location.hash);
    const hex = params?.get('hex') ?? null;
    if (params === null || hex === null || hex.length > 200_000) return;
    const version: VersionChoice = versionChoiceOf(params.get('v')) ?? 'auto';
    setText(hex);
    setChoice(version);
    setSubmitted({ text: hex, choice: version });
  }, []);

  return (
    <div className="mqtt-quick-decode not-content" data-widget="quick-decode" data-pagefind-ignore="" role="region" aria-label={t('decoder.quickLabel')} data-testid="quick-decode" data-ready={hydrated}>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted({ text, choice });
        }}
      >
        <label htmlFor={`${id}-hex`}>{t('decoder.quickInput')}</label>
        <textarea id={`${id}-hex`} rows={4} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} data-testid="hex-input" />
        <div className="mqtt-quick-decode__controls">
          <VersionSelect id={`${id}-version`} lang={lang} value={choice} onChange={setChoice} />
          <button type="submit" disabled={!hydrated}>{t('decoder.quickDecode')}</button>
          <button type="button" onClick={() => { setText(initial); setSubmitted({ text: initial, choice }); }}>{t('decoder.quickExample')}</button>
        </div>
      </form>
      <div aria-live="polite" data-testid="decode-output">
        {result.notes.map((note) => <p key={note} className="mqtt-quick-decode__note">{note}</p>)}
        {result.problem && (
          <p role="alert" className="mqtt-quick-decode__problem" data-testid="decode-problem">
            <strong>{t('decoder.quickProblem')}:</strong> {result.problem.message}
            {result.problem.rule && <> — <strong>{t('decoder.quickRule')}</strong> <code>{result.problem.rule}</code></>}
            {result.problem.offset !== undefined && <> @ {result.problem.offset}</>}
          </p>
        )}
        {result.packets.map((packet) => (
          <section key={packet.offset} aria-label={packet.title} className="mqtt-quick-decode__packet">
            <h3>{packet.title}</h3>
            <div className="mqtt-quick-decode__scroll" tabIndex={0}>
              <table>
                <thead>
                  <tr><th scope="col">{t('packet.offset')}</th><th scope="col">{t('packet.bytes')}</th><th scope="col">{t('packet.field')}</th><th scope="col">{t('packet.value')}</th></tr>
                </thead>
                <tbody>
                  {packet.rows.map((row) => (
                    <tr key={`${row.offset}-${row.path}`} data-path={row.path}>
                      <td>{row.offset}</td>
                      <td><code>{row.hex}</code></td>
                      <td>{row.label}<br /><small><code>{row.path}</code></small></td>
                      <td>
                        {row.value}
                        {row.bits.length > 0 && (
                          <ul>
                            {row.bits.map((bit) => <li key={bit.bitRange}>{bit.bitRange}: {bit.label} = {bit.value}{bit.meaning && ` (${bit.meaning})`}</li>)}
                          </ul>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {packet.hiddenRows > 0 && <p>{t('decoder.quickMore', { n: packet.hiddenRows })}</p>}
          </section>
        ))}
      </div>
    </div>
  );
}
