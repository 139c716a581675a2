/**
 * The animator's playback, shared by the simulator and the read-only capture replay: the speeds,
 * the timer that steps while playing, and the toolbar (restart, back, step, play, speed).
 */
import { useEffect } from 'react';
import type { Translate } from '../i18n/catalogue.ts';

/** Milliseconds between steps while playing, slowest first (the speed select's options). */
export const SPEEDS = [2000, 1200, 700, 350];

/**
 * While `playing`, steps forward once per tick until nothing is left, then stops. `tick` is what
 * changes with each step (the cursor), so every step re-arms the timer.
 */
export function usePlayTimer(playing: boolean, canStep: boolean, speed: number, forward: () => void, setPlaying: (playing: boolean) => void, tick: unknown): void {
  useEffect(() => {
    if (!playing) return;
    if (!canStep) { setPlaying(false); return; }
    const timer = window.setTimeout(forward, SPEEDS[speed]);
    return () => window.clearTimeout(timer);
  }, [playing, canStep, speed, forward, setPlaying, tick]);
}

interface PlaybackControlsProps {
  t: Translate;
  atStart: boolean;
  canStep: boolean;
  playing: boolean;
  speed: number;
  onRestart: () => void;
  onBack: () => void;
  onForward: () => void;
  onTogglePlay: () => void;
  onSpeed: (speed: number) => void;
}

export function PlaybackControls({ t, atStart, canStep, playing, speed, onRestart, onBack, onForward, onTogglePlay, onSpeed }: PlaybackControlsProps) {
  // The step that ends the flow renders before usePlayTimer's effect turns playing off: with nothing
  // left to play, the button already reads Play (it used to say Pause for that one render).
  const running = playing && canStep;
  return (
    <div className="mqtt-qos__controls" role="toolbar" aria-label={t('animator.controls')}>
      <button type="button" onClick={onRestart} aria-keyshortcuts="Home">{t('animator.restart')}</button>
      <button type="button" onClick={onBack} disabled={atStart} aria-keyshortcuts="ArrowLeft" data-testid="back">{t('animator.back')}</button>
      <button type="button" onClick={onForward} disabled={!canStep} aria-keyshortcuts="ArrowRight" data-testid="step">{t('animator.step')}</button>
      <button type="button" onClick={onTogglePlay} disabled={!canStep} aria-pressed={running} aria-keyshortcuts="Space" data-testid="play">{running ? t('animator.pause') : t('animator.play')}</button>
      <label>{t('animator.speed')}
        <select value={speed} onChange={(ev) => onSpeed(Number(ev.target.value))}>
          {SPEEDS.map((ms, i) => <option key={ms} value={i}>{t(`animator.speed.${i}` as 'animator.speed.0')}</option>)}
        </select>
      </label>
    </div>
  );
}
