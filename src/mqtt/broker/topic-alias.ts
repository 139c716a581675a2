/**
 * Topic aliases (5.0 §3.3.2.3.4). Each direction has its own mapping, and neither survives the
 * network connection (MQTT-3.3.2-7).
 *
 * Outbound strategy, chosen to be easy to follow in a packet log: the first topics sent get
 * aliases 1, 2, 3 … up to the client's Topic Alias Maximum; the first PUBLISH on a topic carries
 * the topic name and its new alias, later ones an empty topic name and the alias. When every alias
 * is taken, the least recently used one is given to the new topic (sent again with the name).
 */

export interface OutboundAliasChoice {
  alias: number;
  /** True: the client already knows this alias, so the topic name can be left empty. */
  known: boolean;
  /** The topic the alias stood for before being reused, if it was. */
  replaced: string | undefined;
}

export class OutboundTopicAliases {
  readonly maximum: number;
  private readonly byTopic = new Map<string, number>();
  private readonly byAlias = new Map<number, string>();
  /** Aliases from least to most recently used (Map keeps insertion order; re-inserting moves to the end). */
  private readonly recency = new Map<number, true>();

  constructor(maximum: number) {
    this.maximum = maximum;
  }

  /** Picks an alias for `topic` without recording it; `commit` records it once the packet is sent. */
  choose(topic: string): OutboundAliasChoice | null {
    if (this.maximum === 0) return null;
    const existing = this.byTopic.get(topic);
    if (existing !== undefined) return { alias: existing, known: true, replaced: undefined };
    if (this.byAlias.size < this.maximum) return { alias: this.byAlias.size + 1, known: false, replaced: undefined };
    const lru = this.recency.keys().next().value as number;
    return { alias: lru, known: false, replaced: this.byAlias.get(lru) };
  }

  commit(topic: string, choice: OutboundAliasChoice): void {
    if (!choice.known) {
      if (choice.replaced !== undefined) this.byTopic.delete(choice.replaced);
      this.byTopic.set(topic, choice.alias);
      this.byAlias.set(choice.alias, topic);
    }
    this.recency.delete(choice.alias);
    this.recency.set(choice.alias, true);
  }

  entries(): Array<[number, string]> {
    return [...this.byAlias.entries()].sort((a, b) => a[0] - b[0]);
  }
}
