import { describe, expect, it } from 'vitest';
import { canStepForward, initialState, moveCursor, parse, perform, serialize, MAX_ACTIONS, type AnimatorState } from '../../src/components/qos-animator/qos-animator-state.ts';
import { replay } from '../../src/mqtt/simulator/qos-flow.ts';
import { createFlowBroker } from '../../src/components/qos-animator/flow-broker.ts';
import { say } from '../../src/components/i18n/catalogue.ts';

describe('the QoS animator URL state', () => {
  it('round-trips configuration, actions and cursor through the URL', () => {
    let state = initialState({ version: 5, publishQos: 2, subscribeQos: 1, persistent: false, brokerAckCode: 0x87 });
    state = perform(state, { kind: 'step' });
    state = perform(state, { kind: 'fault', fault: 'drop' });
    state = perform(state, { kind: 'cut', client: 'subscriber' });
    state = perform(state, { kind: 'reconnect', client: 'subscriber' });
    state = moveCursor(state, 2);
    const parsed = parse(`#${serialize(state)}`);
    expect(parsed).toEqual({ ok: true, state });
  });

  it('drops the stepped-back future when a new action is taken', () => {
    let state = perform(perform(perform(initialState(), { kind: 'step' }), { kind: 'step' }), { kind: 'step' });
    state = moveCursor(state, 1);
    state = perform(state, { kind: 'fault', fault: 'duplicate' });
    expect(state.actions).toEqual([{ kind: 'step' }, { kind: 'fault', fault: 'duplicate' }]);
    expect(state.cursor).toBe(2);
  });

  it('explains each kind of tampering instead of failing', () => {
    const cases: Array<[string, RegExp]> = [
      ['v=6', /version/],
      ['pq=3', /QoS is 0, 1 or 2/],
      ['sq=-1', /QoS is 0, 1 or 2/],
      ['session=forever', /persistent/],
      ['v=3.1.1&ack=87', /only in MQTT 5.0/],
      ['v=5&ack=zz', /reason code/],
      ['a=s.s.boom', /unknown step/],
      ['a=s&at=5', /outside/],
      [`a=${Array.from({ length: MAX_ACTIONS + 1 }, () => 's').join('.')}`, /at most/],
      ['topic=a/%2B', /wildcard/],
      ['payload=', /1 to 200/],
    ];
    for (const [query, message] of cases) {
      const result = parse(query);
      expect(result.ok, query).toBe(false);
      if (!result.ok) {
        expect(say('en', result.error), query).toMatch(message);
        // The same problem in Chinese: a sentence from the catalogue, not the key.
        expect(say('zh-cn', result.error), query).toMatch(/链接/);
        expect(result.state).toEqual(initialState());
      }
    }
  });

  it('clips a hostile value quoted back in an error message', () => {
    const result = parse(`v=${'<script>'.repeat(50)}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(say('en', result.error).length).toBeLessThan(120);
  });

  it('treats an empty query as the default start', () => {
    expect(parse('')).toEqual({ ok: true, state: initialState() });
  });
});

describe('stepping at the end of an exchange', () => {
  /** Presses Step the way the widget does, as long as it is enabled, at most `max` times. */
  function pressStepUntilDisabled(state: AnimatorState, max = 30): { state: AnimatorState; presses: number } {
    let presses = 0;
    for (; presses < max; presses++) {
      const frame = replay(state.config, state.actions.slice(0, state.cursor), createFlowBroker).frames.at(-1)!;
      if (!canStepForward(state, frame)) break;
      state = state.cursor < state.actions.length ? moveCursor(state, state.cursor + 1) : perform(state, { kind: 'step' });
    }
    return { state, presses };
  }

  it('stops Step once a QoS 1 exchange is complete: four packets, four steps, no empty ones', () => {
    const { state, presses } = pressStepUntilDisabled(initialState({ publishQos: 1, subscribeQos: 1 }));
    expect(presses).toBe(4);
    expect(state.actions).toHaveLength(4);
    const last = replay(state.config, state.actions, createFlowBroker).frames.at(-1)!;
    expect(last.settled).toBe(true);
  });

  it('stops Step after the eight packets of QoS 2 end to end (four on each hop)', () => {
    const { state, presses } = pressStepUntilDisabled(initialState({ publishQos: 2, subscribeQos: 2 }));
    expect(presses).toBe(8);
    // Every recorded step delivered a packet: Step back never walks through an empty step.
    const flow = replay(state.config, state.actions, createFlowBroker);
    expect(flow.frames.slice(1).every((f) => f.arrow !== null)).toBe(true);
  });

  it('lets Step replay recorded actions after stepping back, then stops at the end again', () => {
    const done = pressStepUntilDisabled(initialState()).state;
    const back = moveCursor(done, 1);
    const frame = replay(back.config, back.actions.slice(0, 1), createFlowBroker).frames.at(-1)!;
    expect(canStepForward(back, frame)).toBe(true);
    expect(pressStepUntilDisabled(back).state).toEqual(done);
  });
});
