/**
 * The broker lab: real MQTT.js clients on this site's broker core running in the page (with a
 * virtual clock), or on a real broker over WebSocket; a packet log with every byte; the broker's
 * inside; and guided "predict, then run" experiments. The engine lives in src/mqtt/lab/. The
 * island renders its clients, experiment and controls at once from plain data; MQTT.js and the
 * broker (runtime.ts) load on the reader's first interaction with the lab (a focus, a press, a key),
 * and an action taken meanwhile waits for them and then runs (actions.ts).
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { EXPERIMENTS, experimentById, runExperiment as playExperiment, type Params, type Step } from '../../mqtt/lab/experiments.ts';
import { choiceMessage, experimentTitle, explainMessage, paramLabel, paramOption, questionMessage, setupMessage, stepMessage } from '../../mqtt/lab/experiment-text.ts';
import type { LabMessage, LabText } from '../../mqtt/lab/types.ts';
import { translator, type Translate } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';
import type { ClientSetup, Lab, LabView } from '../../mqtt/lab/lab.ts';
import { lazyActions, staticView, type LabActions } from './actions.ts';
import { defaultConnectSpec } from '../../mqtt/lab/types.ts';
import { brokerUrlProblem, initialUrlState, isMixedContent, parse, serialize, type LabUrlState } from '../../mqtt/lab/url-state.ts';
import { ClientCard } from './client-card.tsx';
import { HydrationPart, HydrationParts, useHydrationParts } from '../shared/hydrate-in-slices.tsx';
import { randomTag } from './format.ts';
import { errorText, formatDuration, formatTime, labSay } from './text.ts';
import { Said } from './said.tsx';
import { Inspector } from './inspector.tsx';
import { PacketLog } from './packet-log.tsx';
import { useUrlHash } from '../shared/use-url-hash.ts';
import './broker-lab.css';
import { emitEmbedEvent } from '../shared/embed/events.ts';

export interface BrokerLabProps {
  /** The page's language. Islands get only serialisable props: the text is chosen in here. */
  lang?: Lang;
  /** Ids of the experiments offered (a guide offers its own); default all. */
  experiments?: string[];
  /** The experiment selected at first, with parameters. */
  preset?: { experiment: string; params?: Params };
  /** Keep the state in the page's URL hash (the tool page and the embed); off for copies inside guides. */
  syncUrl?: boolean;
  /** Where packet rows link to, with #hex=…&v=…. */
  decoderPath?: string;
  /** Offer the real-broker mode. */
  allowRealBroker?: boolean;
  /** Milliseconds between the steps of a running experiment, so a person can follow. */
  pace?: number;
}

interface RunState {
  status: 'idle' | 'running' | 'done';
  step: number;
  outcome: string | null;
  expected: string | null;
  prediction: string | null;
}

const IDLE: RunState = { status: 'idle', step: -1, outcome: null, expected: null, prediction: null };
const noSubscribe = () => () => {};
const noView = () => null;

export default function BrokerLab({
  lang = 'en', experiments, preset, syncUrl = true, decoderPath = '/tools/hex-decoder/', allowRealBroker = true, pace = 700,
}: BrokerLabProps) {
  const t = useMemo(() => translator(lang), [lang]);
  const say = (text: LabText) => labSay(lang, text);
  const id = useId();
  const offered = useMemo(() => EXPERIMENTS.filter((e) => experiments === undefined || experiments.includes(e.id)), [experiments]);
  const firstState = useMemo(() => initialUrlState(preset?.experiment ?? offered[0]?.id, preset?.params), [preset?.experiment, offered]);
  const [state, setState] = useState<LabUrlState>(firstState);
  const [urlError, setUrlError] = useState<LabMessage | null>(null);
  /** True once the root and its parts have hydrated (tests wait for data-ready). */
  const { ready: hydrated, registry } = useHydrationParts();
  const [staticClients, setStaticClients] = useState<ClientSetup[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [lab, setLab] = useState<Lab | null>(null);
  const [remoteUrl, setRemoteUrl] = useState<string | null>(null);
  const [urlInput, setUrlInput] = useState(firstState.url);
  const [urlProblem, setUrlProblem] = useState<LabMessage | null>(null);
  const [tag] = useState(randomTag);
  const [prediction, setPrediction] = useState<string | null>(null);
  const [run, setRun] = useState<RunState>(IDLE);
  const [pending, setPending] = useState(0);
  const [errors, setErrors] = useState<Record<string, LabText | null>>({});
  const cancelled = useRef(false);

  const def = experimentById(state.experiment) ?? offered[0]!;
  const params = state.params;
  const remoteClients = useMemo(() => ['A', 'B'].map((label) => ({ label, config: defaultConnectSpec(`mqttlab-${tag}-${label.toLowerCase()}`) })), [tag]);
  // The clients shown before the engine is there: the experiment's, or the real-broker pair; changed by hand once configured.
  const clientsNow = remoteUrl !== null ? remoteClients : (staticClients ?? def.clients(params));
  const shownBefore = useMemo(() => staticView(clientsNow, remoteUrl), [clientsNow, remoteUrl]);
  const liveView: LabView | null = useSyncExternalStore(lab?.onChange ?? noSubscribe, lab?.getView ?? noView, noView);
  const view: LabView = liveView ?? shownBefore;
  const invalid = def.invalid?.(params) ?? null;
  const steps = useMemo(() => def.steps(params), [def, params]);
  const choiceText = (choice: string) => <Said lang={lang} text={choiceMessage(def.id, choice, params)} />;
  const running = run.status === 'running';
  const remote = remoteUrl !== null;

  // The engine (MQTT.js, the broker) is loaded by the first interaction, not at start: one lab
  // per mode, the broker in the page or clients pointed at a real broker.
  const labRef = useRef<Lab | null>(null);
  const loading = useRef<{ generation: number; promise: Promise<Lab> } | null>(null);
  const generation = useRef(0);
  const clientsRef = useRef(clientsNow);
  clientsRef.current = clientsNow;
  const remoteRef = useRef(remoteUrl);
  remoteRef.current = remoteUrl;

  const ensureLab = useCallback((): Promise<Lab> => {
    if (labRef.current !== null) return Promise.resolve(labRef.current);
    if (loading.current !== null && loading.current.generation === generation.current) return loading.current.promise;
    const mine = generation.current;
    const promise = import('./runtime.ts').then((runtime) => {
      if (mine !== generation.current) throw new Error('the lab changed mode while loading');
      const url = remoteRef.current;
      const next = url === null ? runtime.createMemoryLab() : runtime.createRemoteLab(url, `mqttlab-${tag}`);
      next.reset(clientsRef.current);
      labRef.current = next;
      setLab(next);
      return next;
    });
    promise.catch((error: unknown) => {
      if (loading.current?.promise === promise) loading.current = null;
      if (mine === generation.current) setLoadError(error instanceof Error ? error.message : String(error));
    });
    loading.current = { generation: mine, promise };
    return promise;
  }, [tag]);

  const actions: LabActions = useMemo(() => lazyActions(() => labRef.current, ensureLab, (label, config) => {
    setStaticClients(clientsRef.current.map((c) => (c.label === label ? { label, config } : c)));
  }), [ensureLab]);

  // A new mode starts a new lab: the old one is closed; a real broker is what the reader just chose, so its clients load at once.
  useEffect(() => {
    generation.current++;
    setErrors({});
    if (remoteUrl !== null) void ensureLab().catch(() => {});
    return () => {
      labRef.current?.dispose();
      labRef.current = null;
      loading.current = null;
      setLab(null);
    };
  }, [remoteUrl, ensureLab]);

  /** The first focus, press or key inside the lab starts loading the engine (in-page broker only; a real broker loads when chosen). */
  const warmUp = () => {
    if (labRef.current === null && remoteRef.current === null) void ensureLab().catch(() => {});
  };

  // The state in the URL hash (shared/use-url-hash): the link's state after hydration and when the
  // reader edits the hash; a plain anchor (#how-to-read, no '=') is a heading link, not a state.
  const writeHash = useUrlHash((hash) => {
    if (!syncUrl || !hash.includes('=')) return;
    const parsed = parse(hash, firstState, offered.map((e) => e.id));
    if (!parsed.ok) { setUrlError(parsed.error); return; }
    setUrlError(null);
    setState(parsed.state);
    setUrlInput(parsed.state.url);
  });

  useEffect(() => {
    if (syncUrl) writeHash(`#${serialize(state)}`);
  }, [state, syncUrl, writeHash]);

  /** A different experiment or parameters: new question; a lab nobody has touched yet shows the new clients. */
  const choose = (experiment: string, nextParams: Params) => {
    const nextDef = experimentById(experiment)!;
    setState((s) => ({ ...s, experiment, params: nextParams }));
    setPrediction(null);
    setRun(IDLE);
    setUrlError(null);
    if (lab === null) setStaticClients(null);
    else if (!remote && lab.getView().log.length === 0 && nextDef.invalid?.(nextParams) == null) lab.reset(nextDef.clients(nextParams));
  };

  const act = useCallback((label: string | null, action: () => Promise<unknown> | unknown) => {
    setPending((n) => n + 1);
    if (label !== null) setErrors((e) => ({ ...e, [label]: null }));
    Promise.resolve().then(action).catch((error: unknown) => {
      const message = errorText(error);
      if (label !== null) setErrors((e) => ({ ...e, [label]: message }));
    }).finally(() => setPending((n) => n - 1));
  }, []);

  const runExperiment = async () => {
    if (prediction === null || invalid !== null || remote) return;
    cancelled.current = false;
    setErrors({});
    setRun({ status: 'running', step: 0, outcome: null, expected: null, prediction });
    try {
      // The Run of an experiment is an interaction too: it waits for the engine if it is still loading.
      const engine = await ensureLab();
      const result = await playExperiment(engine, def, params, {
        beforeStep: async (index) => {
          setRun((r) => ({ ...r, step: index }));
          if (index > 0) await new Promise((resolve) => window.setTimeout(resolve, pace));
        },
        cancelled: () => cancelled.current,
      });
      setRun({ status: result.completed ? 'done' : 'idle', step: steps.length, outcome: result.outcome, expected: result.expected, prediction });
      // In an embed, tell the framing page (ids and fixed choice names only: shared/embed/events.ts).
      if (result.completed) emitEmbedEvent('experiment-finished', { experiment: def.id, params: { ...params }, prediction, outcome: result.outcome, expected: result.expected, correct: result.outcome === prediction });
    } catch (error) {
      setRun(IDLE);
      setLoadError(error instanceof Error ? error.message : String(error));
    }
  };

  const chooseBroker = () => {
    const url = urlInput.trim();
    const problem: LabMessage | null = brokerUrlProblem(url) ?? (isMixedContent(window.location.protocol, url) ? { key: 'lab.url.mixedContent', values: { scheme: 'https' } } : null);
    setUrlProblem(problem);
    if (problem !== null) return;
    setState((s) => ({ ...s, mode: 'broker', url }));
    setRun(IDLE);
    setRemoteUrl(url);
  };
  const backToBrowser = () => {
    setState((s) => ({ ...s, mode: 'browser' }));
    setRemoteUrl(null);
    setUrlProblem(null);
  };

  const configOf = (label: string) => view?.clients.find((c) => c.label === label)?.config ?? def.clients(params).find((c) => c.label === label)?.config;
  const right = run.status === 'done' && run.outcome !== null && run.outcome === run.prediction;
  const topicRoot = remote ? `mqttlab/${tag}` : 'lab';

  return (
    <div className="mqtt-lab not-content" data-testid="broker-lab" data-widget="broker-lab" data-pagefind-ignore="" data-ready={hydrated ? 'true' : 'false'} data-engine={lab !== null ? 'loaded' : 'none'} data-mode={remote ? 'broker' : 'browser'} onFocusCapture={warmUp} onPointerDownCapture={warmUp} onKeyDownCapture={warmUp}>
      <HydrationParts registry={registry}>
      {urlError && <p role="alert" className="mqtt-lab__error">{t('lab.badLink')}: <Said lang={lang} text={urlError} /></p>}
      {loadError && <p role="alert" className="mqtt-lab__error">{loadError}</p>}

      {allowRealBroker && (
        <fieldset className="mqtt-lab__mode">
          <legend>{t('lab.where')}</legend>
          <label className="mqtt-lab__check"><input type="radio" name={`${id}-mode`} checked={state.mode === 'browser'} onChange={backToBrowser} disabled={running} data-testid="mode-browser" />{t('lab.modeBrowser')}</label>
          <label className="mqtt-lab__check"><input type="radio" name={`${id}-mode`} checked={state.mode === 'broker'} onChange={() => setState((s) => ({ ...s, mode: 'broker' }))} disabled={running} data-testid="mode-broker" />{t('lab.modeBroker')}</label>
          {state.mode === 'broker' && (
            <form className="mqtt-lab__url" method="dialog" onSubmit={(e) => { e.preventDefault(); chooseBroker(); }}>
              <label>{t('lab.brokerUrl')}
                <input value={urlInput} onChange={(e) => setUrlInput(e.target.value)} list={`${id}-brokers`} spellCheck={false} inputMode="url" maxLength={200} aria-describedby={`${id}-url-hint`} data-testid="broker-url" />
              </label>
              <datalist id={`${id}-brokers`}>
                <option value="ws://127.0.0.1:9001" />
                <option value="wss://test.mosquitto.org:8081" />
                <option value="wss://broker.emqx.io:8084/mqtt" />
                <option value="wss://broker.hivemq.com:8884/mqtt" />
              </datalist>
              <button type="submit" data-testid="use-broker">{t('lab.useBroker')}</button>
              <p id={`${id}-url-hint`} className="mqtt-lab__hint">{t('lab.brokerUrlHint')}</p>
              {urlProblem && <p role="alert" className="mqtt-lab__error" data-testid="url-problem">{t('lab.urlProblem', { problem: say(urlProblem) })}</p>}
            </form>
          )}
          {remote && <p className="mqtt-lab__note" data-testid="remote-note"><strong>{remoteUrl}</strong> — {t('lab.remoteNote')} {t('lab.publicBrokerNote')}</p>}
        </fieldset>
      )}

      <section className="mqtt-lab__panel mqtt-lab__experiment" role="group" aria-labelledby={`${id}-exp`}>
        <h3 id={`${id}-exp`}>{t('lab.experiment')}: {say(experimentTitle(def.id))}</h3>
        {remote ? <p className="mqtt-lab__note">{t('lab.experimentsOnlyInBrowser')}</p> : (
          <>
            <div className="mqtt-lab__toolbar">
              {offered.length > 1 && (
                <label className="mqtt-lab__inline">{t('lab.chooseExperiment')}
                  <select value={def.id} onChange={(e) => { const d = experimentById(e.target.value)!; choose(d.id, Object.fromEntries(d.params.map((p) => [p.key, p.default]))); }} disabled={running} data-testid="experiment">
                    {offered.map((e) => <option key={e.id} value={e.id}>{say(experimentTitle(e.id))}</option>)}
                  </select>
                </label>
              )}
              {def.params.map((param) => {
                return (
                  <label key={param.key} className="mqtt-lab__inline">{say(paramLabel(def.id, param.key))}
                    <select value={params[param.key]} onChange={(e) => choose(def.id, { ...params, [param.key]: e.target.value })} disabled={running} data-testid={`param-${param.key}`}>
                      {param.options.map((o) => <option key={o} value={o}>{say(paramOption(def.id, param.key, o))}</option>)}
                    </select>
                  </label>
                );
              })}
            </div>
            {invalid !== null ? <p className="mqtt-lab__error"><Said lang={lang} text={invalid} /></p> : (
              <>
                <p className="mqtt-lab__setup"><Said lang={lang} text={setupMessage(def.id, params)} /></p>
                <fieldset className="mqtt-lab__predict" disabled={running}>
                  <legend>{t('lab.predict')}: <Said lang={lang} text={questionMessage(def.id, params)} /></legend>
                  {def.choices(params).map((choice) => (
                    <label key={choice} className="mqtt-lab__check">
                      <input type="radio" name={`${id}-predict`} value={choice} checked={prediction === choice} onChange={() => setPrediction(choice)} data-testid={`predict-${choice}`} />
                      {choiceText(choice)}
                    </label>
                  ))}
                </fieldset>
                <div className="mqtt-lab__toolbar">
                  <button type="button" className="mqtt-lab__primary" onClick={runExperiment} disabled={running || prediction === null} aria-describedby={prediction === null ? `${id}-pick` : undefined} data-testid="run">{running ? t('lab.running') : t('lab.run')}</button>
                  {running && <button type="button" onClick={() => { cancelled.current = true; }}>{t('lab.stop')}</button>}
                  {prediction === null && <span id={`${id}-pick`} className="mqtt-lab__hint">{t('lab.pickFirst')}</span>}
                </div>
                <details className="mqtt-lab__steps" open={running || run.status === 'done'}>
                  <summary>{t('lab.steps')} ({steps.length})</summary>
                  <ol data-testid="steps">
                    {steps.map((step: Step, i) => {
                      const state = run.status === 'idle' ? '' : i < run.step || run.status === 'done' ? 'done' : i === run.step ? 'current' : '';
                      return <li key={i} className={state ? `mqtt-lab__step--${state}` : undefined} aria-current={state === 'current' ? 'step' : undefined}><Said lang={lang} text={stepMessage(step, configOf)} /></li>;
                    })}
                  </ol>
                </details>
              </>
            )}
            <div className="mqtt-lab__outcome" role="status" data-testid="outcome">
              {running && <p>{t('lab.stepOf', { i: run.step + 1, n: steps.length })}: <Said lang={lang} text={stepMessage(steps[run.step]!, configOf)} /></p>}
              {run.status === 'done' && run.outcome !== null && (
                <>
                  <p className={right ? 'mqtt-lab__right' : 'mqtt-lab__wrong'}>
                    <strong>{right ? t('lab.right') : t('lab.wrong')}</strong> {t('lab.youPredicted')}: {choiceText(run.prediction!)}. {t('lab.theLabSaw')}: <strong data-testid="observed">{choiceText(run.outcome)}</strong>.
                  </p>
                  <p><Said lang={lang} text={explainMessage(def.id, params)} /></p>
                  {run.outcome !== run.expected && <p className="mqtt-lab__error">{t('lab.unexpected')}</p>}
                </>
              )}
            </div>
          </>
        )}
      </section>

      {(
        <>
          <ClockBar view={view} lab={actions} t={t} lang={lang} disabled={running || pending > 0} act={act} />
          <section className="mqtt-lab__clients" role="group" aria-labelledby={`${id}-clients`}>
            <div className="mqtt-lab__toolbar">
              <h3 id={`${id}-clients`}>{t('lab.clients')}</h3>
              <button type="button" onClick={() => act(null, () => actions.addClient())} disabled={running || view.clients.length >= 6} data-testid="add-client">{t('lab.addClient')}</button>
            </div>
            <p className="mqtt-lab__hint">{t('lab.leaveHint')}</p>
            <div className="mqtt-lab__client-grid">
              {view.clients.map((client) => (
                <HydrationPart key={`${remote ? `broker-${remoteUrl}` : 'browser'}-${client.label}`}>
                  <ClientCard client={client} lab={actions} t={t} lang={lang} busy={running} canRemove={view.clients.length > 1} topicRoot={topicRoot} act={act} error={errors[client.label] ?? null} />
                </HydrationPart>
              ))}
            </div>
          </section>
          {/* The server-rendered parts hydrate one by one, in short tasks, not in one long one (hydrate-in-slices.tsx). */}
          <HydrationPart><PacketLog log={view.log} labels={view.clients.map((c) => c.label)} t={t} lang={lang} decoderPath={decoderPath} remote={remote} /></HydrationPart>
          <HydrationPart><Inspector snapshot={view.snapshot} time={view.time} t={t} lang={lang} /></HydrationPart>
        </>
      )}
      </HydrationParts>
    </div>
  );
}

function ClockBar({ view, lab, t, lang, disabled, act }: { view: LabView; lab: LabActions; t: Translate; lang: Lang; disabled: boolean; act: (label: string | null, action: () => Promise<unknown> | unknown) => void }) {
  const id = useId();
  const [now, setNow] = useState(view.time);
  // Real time ticks on its own in real-broker mode.
  useEffect(() => {
    if (view.mode !== 'remote') { setNow(view.time); return; }
    setNow(lab.now());
    const timer = window.setInterval(() => setNow(lab.now()), 1000);
    return () => window.clearInterval(timer);
  }, [view.mode, view.time, lab]);
  if (view.mode === 'remote') {
    return <p className="mqtt-lab__clock" data-testid="clock">{t('lab.realTime')}: <strong>{formatTime(now, lang)}</strong></p>;
  }
  const deadline = view.nextDeadline;
  return (
    <section className="mqtt-lab__clock" role="group" aria-labelledby={`${id}-h`} data-testid="clock">
      <h3 id={`${id}-h`} className="mqtt-lab__clock-title">{t('lab.clock')}</h3>
      <span>{t('lab.timeNow')}: <strong data-testid="clock-time">{formatTime(view.time, lang)}</strong></span>
      <span className="mqtt-lab__toolbar" role="group" aria-label={t('lab.clock')}>
        <button type="button" onClick={() => act(null, () => lab.advance(1000))} disabled={disabled} data-testid="plus-1s">{t('lab.plus1s')}</button>
        <button type="button" onClick={() => act(null, () => lab.advance(10_000))} disabled={disabled} data-testid="plus-10s">{t('lab.plus10s')}</button>
        <button type="button" onClick={() => act(null, () => lab.advance(60_000))} disabled={disabled} data-testid="plus-1min">{t('lab.plus1min')}</button>
        <button type="button" onClick={() => act(null, () => lab.advanceToNextDeadline())} disabled={disabled || deadline === null} data-testid="to-deadline">{t('lab.toDeadline')}</button>
      </span>
      <span className="mqtt-lab__hint" data-testid="next-deadline">{deadline === null ? t('lab.noDeadline') : <>{t('lab.nextDeadline')}: {formatTime(deadline.time, lang)} ({t('lab.inTime')} {formatDuration(deadline.time - view.time, lang)}) — <Said lang={lang} text={deadline.what} /></>}</span>
    </section>
  );
}
