import { describe, expect, it } from 'vitest';
import { initialState, moveCursor, parse, perform, serialize, MAX_ACTIONS } from '../../src/components/qos-animator/qos-animator-state.ts';

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
        expect(result.error, query).toMatch(message);
        expect(result.state).toEqual(initialState());
      }
    }
  });

  it('clips a hostile value quoted back in an error message', () => {
    const result = parse(`v=${'<script>'.repeat(50)}`);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.length).toBeLessThan(120);
  });

  it('treats an empty query as the default start', () => {
    expect(parse('')).toEqual({ ok: true, state: initialState() });
  });
});
