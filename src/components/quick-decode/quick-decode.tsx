import { useEffect, useId, useMemo, useState } from 'react';
import { quickDecode, type VersionChoice } from './quick-decode-model.ts';
import { hashParams } from '../shared/url-hash.ts';
import { versionChoiceOf } from '../shared/version.ts';

const EXAMPLE = '10 1a 00 04 4d 51 54 54 04 02 00 3c 00 0e 6d 6f 73 71 5f 70 75 62 5f 31 32 33 34 35';

export interface QuickDecodeProps {
  /** UI strings, so the English and Chinese pages share one island. */
  labels?: Partial<typeof ENGLISH>;
  /** The hex shown (and decoded) when the page loads; a tutorial passes its own example. */
  initial?: string;
}

const ENGLISH = {
  input: 'Hex bytes',
  version: 'Protocol version',
  auto: 'Detect',
  decode: 'Decode',
  example: 'Load an example',
  offset: 'Offset',
  bytes: 'Bytes',
  field: 'Field',
  value: 'Value',
  problem: 'Problem',
  rule: 'Rule',
  more: 'more fields not shown',
};

/** A minimal "decode this hex" island over the shared codec. Decodes on submit, not per keystroke. */
export default function QuickDecode({ labels, initial = EXAMPLE }: QuickDecodeProps) {
  const t = { ...ENGLISH, ...labels };
  const id = useId();
  const [text, setText] = useState(initial);
  const [choice, setChoice] = useState<VersionChoice>('auto');
  const [submitted, setSubmitted] = useState<{ text: string; choice: VersionChoice }>({ text: initial, choice: 'auto' });
  const result = useMemo(() => quickDecode(submitted.text, submitted.choice), [submitted]);

  // Links from other widgets carry bytes as #hex=…&v=5 (the hash never reaches a server).
  useEffect(() => {
    const params = hashParams(window.location.hash);
    const hex = params?.get('hex') ?? null;
    if (params === null || hex === null || hex.length > 200_000) return;
    const version: VersionChoice = versionChoiceOf(params.get('v')) ?? 'auto';
    setText(hex);
    setChoice(version);
    setSubmitted({ text: hex, choice: version });
  }, []);

  return (
    <div className="mqtt-quick-decode not-content" data-widget="quick-decode" data-pagefind-ignore="">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setSubmitted({ text, choice });
        }}
      >
        <label htmlFor={`${id}-hex`}>{t.input}</label>
        <textarea id={`${id}-hex`} rows={4} spellCheck={false} value={text} onChange={(e) => setText(e.target.value)} data-testid="hex-input" />
        <div className="mqtt-quick-decode__controls">
          <label htmlFor={`${id}-version`}>{t.version}</label>
          <select id={`${id}-version`} value={choice} onChange={(e) => setChoice(e.target.value as VersionChoice)}>
            <option value="auto">{t.auto}</option>
            <option value="3.1">3.1</option>
            <option value="3.1.1">3.1.1</option>
            <option value="5.0">5.0</option>
          </select>
          <button type="submit">{t.decode}</button>
          <button type="button" onClick={() => { setText(initial); setSubmitted({ text: initial, choice }); }}>{t.example}</button>
        </div>
      </form>
      <div aria-live="polite" data-testid="decode-output">
        {result.notes.map((note) => <p key={note} className="mqtt-quick-decode__note">{note}</p>)}
        {result.problem && (
          <p role="alert" className="mqtt-quick-decode__problem" data-testid="decode-problem">
            <strong>{t.problem}:</strong> {result.problem.message}
            {result.problem.rule && <> — <strong>{t.rule}</strong> <code>{result.problem.rule}</code></>}
            {result.problem.offset !== undefined && <> @ {result.problem.offset}</>}
          </p>
        )}
        {result.packets.map((packet) => (
          <section key={packet.offset} aria-label={packet.title} className="mqtt-quick-decode__packet">
            <h3>{packet.title}</h3>
            <div className="mqtt-quick-decode__scroll">
              <table>
                <thead>
                  <tr><th scope="col">{t.offset}</th><th scope="col">{t.bytes}</th><th scope="col">{t.field}</th><th scope="col">{t.value}</th></tr>
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
            {packet.hiddenRows > 0 && <p>{packet.hiddenRows} {t.more}</p>}
          </section>
        ))}
      </div>
    </div>
  );
}
