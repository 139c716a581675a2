import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type InputHTMLAttributes, type KeyboardEvent } from 'react';
import { translateMarked, translator } from '../i18n/catalogue.ts';
import MarkedText from '../shared/marked-text.tsx';
import VersionSelect from '../shared/version-select.tsx';
import { useUrlHash } from '../shared/use-url-hash.ts';
import type { VersionChoice } from '../shared/version.ts';
import {
  MAX_CHARS, MAX_FILTERS, MAX_NAMES,
  addEntry, buildView, clip, describeLinkError, initialState, parse, removeEntry, select, serialize, setEntry, setVersion, visibleText,
  type Cell, type EntryKind, type EntryView, type Lang, type PlaygroundState,
} from './topic-playground-model.ts';

export interface TopicPlaygroundProps {
  /** The page's language: every word of the widget comes from that language's catalogue. */
  lang?: Lang;
  /** Filters, topics, version and chosen cell to start from when the URL says nothing (tutorial sections set their own). */
  preset?: Partial<PlaygroundState>;
  /** Read and write the state in the URL hash (the tool page and embeds); off for inline tutorial copies. */
  syncUrl?: boolean;
}

/** Topic rules differ between these two (3.1 shares 3.1.1's). */
const PLAYGROUND_VERSIONS: ReadonlyArray<VersionChoice> = ['3.1.1', '5.0'];

/** How many problems an entry lists before summing up the rest. */
const SHOWN_PROBLEMS = 3;

/** The topic-filter playground: filters × topic names, a match matrix, and why each cell is what it is. */
export default function TopicPlayground({ lang = 'en', preset, syncUrl = true }: TopicPlaygroundProps) {
  const language: Lang = lang;
  const t = translator(language);
  const id = useId().replace(/:/g, '');
  const [state, setState] = useState<PlaygroundState>(() => initialState(preset));
  const [linkError, setLinkError] = useState<string | null>(null);
  const [focus, setFocus] = useState<Cell>(() => state.selected ?? { filter: 0, name: 0 });
  const table = useRef<HTMLTableElement>(null);

  // Read the URL once hydrated (the island renders the examples first, then the link's state), and
  // whenever the reader edits the hash by hand; inline copies on a guide leave the URL alone.
  const writeHash = useUrlHash((hash) => {
    if (!syncUrl || hash.length <= 1) return;
    const parsed = parse(hash);
    setState(parsed.state);
    setLinkError(parsed.ok ? null : describeLinkError(parsed.error, language));
    if (parsed.state.selected !== null) setFocus(parsed.state.selected);
  });

  useEffect(() => {
    if (syncUrl) writeHash(`#${serialize(state)}`);
  }, [state, syncUrl, writeHash]);

  const view = useMemo(() => buildView(state, language), [state, language]);
  const shown = (text: string) => (text === '' ? t('topics.ui.empty') : visibleText(text));
  // Table headers may break after each '/', so a long topic wraps at its levels (and a hostile one is clipped).
  const breakable = (text: string) => (text === '' ? t('topics.ui.empty') : clip(visibleText(text), 120).split('/').map((part, i) => (i === 0 ? part : <span key={i}>/<wbr />{part}</span>)));

  // Keep the roving focus inside the table when rows go away.
  const rows = state.filters.length;
  const cols = state.names.length;
  const focused: Cell = { filter: Math.min(focus.filter, rows - 1), name: Math.min(focus.name, cols - 1) };

  const edit = useCallback((change: (s: PlaygroundState) => PlaygroundState) => setState((s) => change(s)), []);

  const moveTo = (cell: Cell) => {
    setFocus(cell);
    table.current?.querySelector<HTMLButtonElement>(`button[data-cell="${cell.filter}.${cell.name}"]`)?.focus();
  };

  const onCellKey = (event: KeyboardEvent<HTMLButtonElement>, cell: Cell) => {
    if (event.altKey || event.metaKey) return;
    let next: Cell | null = null;
    switch (event.key) {
      case 'ArrowUp': next = { ...cell, filter: Math.max(0, cell.filter - 1) }; break;
      case 'ArrowDown': next = { ...cell, filter: Math.min(rows - 1, cell.filter + 1) }; break;
      case 'ArrowLeft': next = { ...cell, name: Math.max(0, cell.name - 1) }; break;
      case 'ArrowRight': next = { ...cell, name: Math.min(cols - 1, cell.name + 1) }; break;
      case 'Home': next = event.ctrlKey ? { filter: 0, name: 0 } : { ...cell, name: 0 }; break;
      case 'End': next = event.ctrlKey ? { filter: rows - 1, name: cols - 1 } : { ...cell, name: cols - 1 }; break;
      default: return;
    }
    event.preventDefault();
    moveTo(next);
  };

  const entryList = (kind: EntryKind, entries: EntryView[]) => {
    const isFilter = kind === 'filters';
    const max = isFilter ? MAX_FILTERS : MAX_NAMES;
    return (
      <fieldset className="mqtt-tp__list" data-testid={`${kind}-list`}>
        <legend>{isFilter ? t('topics.ui.filters') : t('topics.ui.names')}</legend>
        <ol>
          {entries.map((e) => {
            const n = e.index + 1;
            const label = t(isFilter ? 'topics.ui.filterN' : 'topics.ui.nameN', { n });
            const problemsId = `${id}-${kind}-${e.index}-problems`;
            const hidden = e.problems.length - SHOWN_PROBLEMS;
            return (
              <li key={e.index} className={`mqtt-tp__entry${e.valid ? '' : ' mqtt-tp__entry--invalid'}`} data-testid={`${kind}-entry-${e.index}`} data-valid={e.valid}>
                <div className="mqtt-tp__entry-row">
                  <TopicInput
                    value={e.text}
                    onChange={(ev) => edit((s) => setEntry(s, kind, e.index, ev.target.value))}
                    aria-label={label}
                    aria-invalid={!e.valid}
                    aria-describedby={e.valid ? undefined : problemsId}
                    maxLength={MAX_CHARS}
                    spellCheck={false}
                    autoCapitalize="off"
                    autoComplete="off"
                    autoCorrect="off"
                    data-testid={`${kind}-input-${e.index}`}
                  />
                  {!e.valid && <span className="mqtt-tp__badge">✗ {t('topics.ui.invalid')}</span>}
                  <button
                    type="button"
                    className="mqtt-tp__remove"
                    onClick={() => edit((s) => removeEntry(s, kind, e.index))}
                    disabled={entries.length <= 1}
                    aria-label={t(isFilter ? 'topics.ui.removeFilter' : 'topics.ui.removeName', { n })}
                    title={t(isFilter ? 'topics.ui.removeFilter' : 'topics.ui.removeName', { n })}
                  >
                    <span aria-hidden="true">×</span>
                  </button>
                </div>
                {!e.valid && (
                  <div className="mqtt-tp__problems" id={problemsId} data-testid={`${kind}-problems-${e.index}`}>
                    {e.segments !== null && (
                      <p className="mqtt-tp__render" aria-hidden="true">
                        <code>{e.segments.map((s, i) => (s.mark ? <mark key={i}>{s.text}</mark> : <span key={i}>{s.text}</span>))}</code>
                      </p>
                    )}
                    <ul>
                      {e.problems.slice(0, SHOWN_PROBLEMS).map((p, i) => (
                        <li key={i}>
                          <strong className="mqtt-tp__rule">{p.rule}</strong> <MarkedText said={p.message} showValue={visibleText} />
                          {p.hint !== undefined && <span className="mqtt-tp__hint-inline"> <MarkedText said={translateMarked(language, 'topics.ui.hintInline', { hint: p.hint.parts })} showValue={visibleText} /></span>}
                        </li>
                      ))}
                      {hidden > 0 && <li>{t('topics.ui.moreProblems', { n: hidden })}</li>}
                    </ul>
                  </div>
                )}
                {e.hints.length > 0 && (
                  <ul className="mqtt-tp__hints" data-testid={`${kind}-hints-${e.index}`}>
                    {e.hints.map((h, i) => <li key={i}><span className="mqtt-tp__hint-label">{t('topics.ui.hint')}</span> <MarkedText said={h} showValue={visibleText} /></li>)}
                  </ul>
                )}
                {e.shared !== null && <p className="mqtt-tp__shared"><MarkedText said={translateMarked(language, 'topics.ui.sharedNote', { group: e.shared.group, filter: e.shared.filter })} showValue={visibleText} /></p>}
              </li>
            );
          })}
        </ol>
        <button type="button" className="mqtt-tp__add" onClick={() => edit((s) => addEntry(s, kind))} disabled={entries.length >= max} data-testid={`add-${kind}`}>
          + {isFilter ? t('topics.ui.addFilter') : t('topics.ui.addName')}
        </button>
        {entries.length >= max && <span className="mqtt-tp__limit"> {t('topics.ui.limitReached', { max })}</span>}
      </fieldset>
    );
  };

  const x = view.explanation;
  const cellCount = rows * cols;

  return (
    <div className="mqtt-tp not-content" data-testid="topic-playground" data-widget="topic-playground" data-pagefind-ignore="" role="group" aria-label={t('topics.ui.widgetLabel')}>
      {linkError !== null && (
        <div role="alert" className="mqtt-tp__error" data-testid="link-error">
          <p>{t('topics.ui.badLink', { reason: linkError })}</p>
          <button type="button" onClick={() => setLinkError(null)}>{t('topics.ui.dismiss')}</button>
        </div>
      )}
      <div className="mqtt-tp__version">
        <VersionSelect id={`${id}-version`} lang={language} value={state.version === 4 ? '3.1.1' : '5.0'} choices={PLAYGROUND_VERSIONS} testId="tp-version"
          onChange={(choice) => edit((s) => setVersion(s, choice === '3.1.1' ? 4 : 5))} />
        <span className="mqtt-tp__note">{t('topics.ui.versionHelp')}</span>
      </div>

      <div className="mqtt-tp__lists">
        {entryList('filters', view.filters)}
        {entryList('names', view.names)}
      </div>

      <p className="mqtt-tp__matrix-title" id={`${id}-matrix`}>
        {t('topics.ui.matrix')}{' '}
        <span className="mqtt-tp__count" data-testid="match-count">{t('topics.ui.summaryCount', { matches: view.matchCount, cells: cellCount })}</span>
      </p>
      <div className="mqtt-tp__scroll" data-testid="matrix-scroll">
        <table className="mqtt-tp__matrix" ref={table} data-testid="matrix" aria-labelledby={`${id}-matrix`} aria-describedby={`${id}-matrix-help`}>
          <thead>
            <tr>
              <td className="mqtt-tp__corner">{t('topics.ui.corner')}</td>
              {view.names.map((n) => (
                <th key={n.index} scope="col" className={n.valid ? undefined : 'mqtt-tp__head--invalid'}>
                  <code>{breakable(n.text)}</code>{!n.valid && <span className="mqtt-tp__head-note"> ({t('topics.ui.invalid')})</span>}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {view.matrix.map((row, fi) => {
              const f = view.filters[fi]!;
              return (
                <tr key={fi}>
                  <th scope="row" className={f.valid ? undefined : 'mqtt-tp__head--invalid'}>
                    <code>{breakable(f.text)}</code>{!f.valid && <span className="mqtt-tp__head-note"> ({t('topics.ui.invalid')})</span>}
                  </th>
                  {row.map((c) => {
                    const isSelected = state.selected !== null && state.selected.filter === c.filter && state.selected.name === c.name;
                    const isFocus = focused.filter === c.filter && focused.name === c.name;
                    return (
                      <td key={c.name} className={`mqtt-tp__cell mqtt-tp__cell--${c.status}`}>
                        <button
                          type="button"
                          data-cell={`${c.filter}.${c.name}`}
                          data-status={c.status}
                          data-testid={`cell-${c.filter}-${c.name}`}
                          tabIndex={isFocus ? 0 : -1}
                          aria-labelledby={`${id}-cell-${c.filter}-${c.name}`}
                          aria-pressed={isSelected}
                          onClick={() => { setFocus({ filter: c.filter, name: c.name }); edit((s) => select(s, { filter: c.filter, name: c.name })); }}
                          onFocus={() => { if (!isFocus) setFocus({ filter: c.filter, name: c.name }); }}
                          onKeyDown={(ev) => onCellKey(ev, { filter: c.filter, name: c.name })}
                        >
                          <span aria-hidden="true" className="mqtt-tp__mark">{c.status === 'match' ? '✓' : c.status === 'no-match' ? '✗' : '⚠'}</span>{' '}
                          {c.status === 'match' ? t('topics.ui.match') : c.status === 'no-match' ? t('topics.ui.noMatch') : t('topics.ui.cannotMatch')}
                        </button>
                        {/* The name lives in an element so its filter and topic can be marked as data (an aria-label cannot mark part of itself). */}
                        <span id={`${id}-cell-${c.filter}-${c.name}`} hidden><MarkedText said={c.label} /></span>
                      </td>
                    );
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="mqtt-tp__note" id={`${id}-matrix-help`}>{t('topics.ui.matrixHelp')}</p>

      <section className="mqtt-tp__explain" role="group" aria-labelledby={`${id}-explain`} data-testid="explanation">
        <p className="mqtt-tp__explain-title" id={`${id}-explain`}>{t('topics.ui.explanation')}</p>
        <div aria-live="polite" aria-atomic="true" data-testid="explanation-summary">
          {x === null
            ? <p>{t('topics.ui.choose')}</p>
            : <p className={`mqtt-tp__summary mqtt-tp__summary--${x.matched ? 'match' : 'no-match'}`}><span aria-hidden="true">{x.matched ? '✓ ' : '✗ '}</span><MarkedText said={x.summary} showValue={visibleText} /></p>}
        </div>
        {x !== null && (
          <ol className="mqtt-tp__steps" data-testid="explanation-steps">
            {x.steps.map((s, i) => (
              <li key={i} className={`mqtt-tp__step mqtt-tp__step--${s.ok ? 'ok' : 'fail'}`} data-rule={s.rule} data-ok={s.ok}>
                <div className="mqtt-tp__step-head">
                  <span className="mqtt-tp__verdict"><span aria-hidden="true">{s.ok ? '✓' : '✗'}</span> {s.ok ? t('topics.ui.stepOk') : t('topics.ui.stepFail')}</span>
                  <span className="mqtt-tp__step-level">{s.level >= 0 ? t('topics.ui.level', { n: s.level }) : t('topics.ui.wholeString')}</span>
                  <span className="mqtt-tp__chip">{s.ruleLabel}</span>
                  {s.specRule !== undefined && <span className="mqtt-tp__spec">{t('topics.ui.spec')}: <code>{s.specRule}</code></span>}
                </div>
                {s.rule === 'invalid' ? (
                  (s.filterLevel !== null || s.nameLevel !== null) && (
                    <p className="mqtt-tp__levels">
                      {s.filterLevel !== null ? t('topics.ui.filterLevel') : t('topics.ui.nameLevel')} <code>{shown(s.filterLevel ?? s.nameLevel ?? '')}</code>
                    </p>
                  )
                ) : (s.filterLevel !== null || s.nameLevel !== null) && (
                  <p className="mqtt-tp__levels">
                    {t('topics.ui.filterLevel')} <code>{s.filterLevel === null ? t('topics.ui.none') : shown(s.filterLevel)}</code>{' '}
                    {t('topics.ui.versus')} {t('topics.ui.nameLevel')} <code>{s.nameLevel === null ? t('topics.ui.none') : shown(s.nameLevel)}</code>
                  </p>
                )}
                <p className="mqtt-tp__step-text"><MarkedText said={s.text} showValue={visibleText} /></p>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

/**
 * A topic's text box. HTML cannot carry U+0000 (the parser turns it into U+FFFD), so a preset
 * topic holding one reached the page as 'sensor/\uFFFD/temperature'; React leaves a value that
 * differs at hydration as the server sent it. This puts the real text in once hydrated.
 */
function TopicInput({ value, ...rest }: InputHTMLAttributes<HTMLInputElement> & { value: string }) {
  const ref = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => {
    if (ref.current !== null && ref.current.value !== value) ref.current.value = value;
  }, [value]);
  return <input ref={ref} type="text" value={value} {...rest} />;
}
