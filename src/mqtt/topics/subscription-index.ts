/**
 * A trie of Topic Filters, one node per level, for routing PUBLISH messages to subscribers.
 *
 * Each node keeps its literal children in a Map and its '+' and '#' children in dedicated fields,
 * so matching a name costs one split, one Map lookup per level and per live '+' branch, and no
 * other allocation than the result array. Entries ({filter, key, value}) are created when added
 * and handed out as they are, so don't mutate them; replacing a value creates a new entry.
 *
 * The index is agnostic of shared subscriptions: it stores filters as given. A 5.0 broker indexes
 * the {filter} part of `$share/{group}/{filter}` (see parseSharedSubscription).
 */
import { problemCode, validateTopicFilter } from './validate.ts';

export interface IndexEntry<T> {
  readonly filter: string;
  readonly key: string;
  readonly value: T;
}

/** Above this many subscribers on one filter, find a key through a Map instead of a scan. */
const POSITION_MAP_THRESHOLD = 8;

class TrieNode<T> {
  /** Literal child levels (the empty level '' included). */
  children: Map<string, TrieNode<T>> | null = null;
  /** The '+' child. */
  plus: TrieNode<T> | null = null;
  /** The '#' child; it never has children of its own since '#' is always the last level. */
  hash: TrieNode<T> | null = null;
  /** Subscriptions whose filter ends at this node. */
  entries: IndexEntry<T>[] = [];
  /** key -> position in entries, only for nodes with many subscribers. */
  positions: Map<string, number> | null = null;
  readonly parent: TrieNode<T> | null;
  readonly level: string;

  constructor(parent: TrieNode<T> | null, level: string) {
    this.parent = parent;
    this.level = level;
  }

  isEmpty(): boolean {
    return this.entries.length === 0 && this.plus === null && this.hash === null && (this.children === null || this.children.size === 0);
  }

  indexOfKey(key: string): number {
    if (this.positions !== null) return this.positions.get(key) ?? -1;
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) if (entries[i]!.key === key) return i;
    return -1;
  }
}

export class SubscriptionIndex<T> {
  #root = new TrieNode<T>(null, '');
  /** filter -> the node where it ends, for O(levels) add and O(1) remove lookups. */
  #nodes = new Map<string, TrieNode<T>>();
  #size = 0;
  // Reusable explicit stack for match: no recursion (a filter may have tens of thousands of
  // levels), and no allocation per call.
  #stackNodes: Array<TrieNode<T>> = [];
  #stackDepths: number[] = [];
  #levels: string[] = [];

  /** Number of (filter, key) entries. */
  get size(): number {
    return this.#size;
  }

  /**
   * Adds or replaces the entry for (filter, key). Throws a TypeError for a filter that is not a
   * valid Topic Filter (3.1.1 §4.7 rules, which 5.0 shares; `$share/...` is taken literally).
   */
  add(filter: string, key: string, value: T): void {
    let node = this.#nodes.get(filter);
    if (node === undefined) {
      const check = validateTopicFilter(filter, { protocolVersion: 4 });
      if (!check.valid) {
        const p = check.problems[0]!;
        throw new TypeError(`Invalid topic filter ${JSON.stringify(filter.length > 80 ? `${filter.slice(0, 77)}…` : filter)}: ${problemCode(p)}`);
      }
      node = this.#root;
      for (const level of check.levels) {
        let next: TrieNode<T> | null | undefined;
        if (level === '+') {
          next = node.plus;
          if (next === null) next = node.plus = new TrieNode<T>(node, level);
        } else if (level === '#') {
          next = node.hash;
          if (next === null) next = node.hash = new TrieNode<T>(node, level);
        } else {
          if (node.children === null) node.children = new Map();
          next = node.children.get(level);
          if (next === undefined) {
            next = new TrieNode<T>(node, level);
            node.children.set(level, next);
          }
        }
        node = next;
      }
      this.#nodes.set(filter, node);
    }
    const entry: IndexEntry<T> = { filter, key, value };
    const at = node.indexOfKey(key);
    if (at !== -1) {
      node.entries[at] = entry;
      return;
    }
    node.entries.push(entry);
    if (node.positions !== null) {
      node.positions.set(key, node.entries.length - 1);
    } else if (node.entries.length > POSITION_MAP_THRESHOLD) {
      node.positions = new Map(node.entries.map((e, i) => [e.key, i]));
    }
    this.#size++;
  }

  /** The value stored for (filter, key), or undefined. */
  get(filter: string, key: string): T | undefined {
    const node = this.#nodes.get(filter);
    if (node === undefined) return undefined;
    const at = node.indexOfKey(key);
    return at === -1 ? undefined : node.entries[at]!.value;
  }

  has(filter: string, key: string): boolean {
    const node = this.#nodes.get(filter);
    return node !== undefined && node.indexOfKey(key) !== -1;
  }

  /** Removes the entry for (filter, key); returns whether there was one. */
  remove(filter: string, key: string): boolean {
    const node = this.#nodes.get(filter);
    if (node === undefined) return false;
    const at = node.indexOfKey(key);
    if (at === -1) return false;
    // Swap with the last entry so removal is O(1) even for a filter with many subscribers.
    const entries = node.entries;
    const last = entries.pop()!;
    if (at < entries.length) {
      entries[at] = last;
      node.positions?.set(last.key, at);
    }
    node.positions?.delete(key);
    if (node.positions !== null && entries.length <= POSITION_MAP_THRESHOLD / 2) node.positions = null;
    this.#size--;
    if (entries.length === 0) {
      this.#nodes.delete(filter);
      this.#prune(node);
    }
    return true;
  }

  /** Drops nodes that no longer lead to any subscription, so removed filters free their memory. */
  #prune(start: TrieNode<T>): void {
    let node = start;
    while (node.parent !== null && node.isEmpty()) {
      const parent = node.parent;
      if (parent.plus === node) parent.plus = null;
      else if (parent.hash === node) parent.hash = null;
      else parent.children?.delete(node.level);
      node = parent;
    }
  }

  /**
   * Every (filter, key) entry whose filter matches the Topic Name, each once, in no particular
   * order. The name is assumed to be a valid Topic Name (the codec checks PUBLISH topics); it is
   * not validated again here.
   */
  match(topicName: string): Array<IndexEntry<T>> {
    const out: Array<IndexEntry<T>> = [];
    // Split into a reused array: same strings as split('/'), without a new array per call.
    const levels = this.#levels;
    let depth = 0;
    let start = 0;
    for (;;) {
      const slash = topicName.indexOf('/', start);
      if (slash === -1) {
        levels[depth++] = topicName.slice(start);
        break;
      }
      levels[depth++] = topicName.slice(start, slash);
      start = slash + 1;
    }
    // MQTT-4.7.2-1: '+' and '#' as the first level never match names starting with '$'.
    const dollar = topicName.charCodeAt(0) === 0x24;
    const stackNodes = this.#stackNodes;
    const stackDepths = this.#stackDepths;
    let sp = 0;
    let node: TrieNode<T> = this.#root;
    let d = 0;
    for (;;) {
      const hash = d === 0 && dollar ? null : node.hash;
      // '#' matches the remaining levels, zero of them included ("sport/#" matches "sport").
      if (hash !== null) {
        const entries = hash.entries;
        for (let i = 0; i < entries.length; i++) out.push(entries[i]!);
      }
      let next: TrieNode<T> | null = null;
      if (d === depth) {
        const entries = node.entries;
        for (let i = 0; i < entries.length; i++) out.push(entries[i]!);
      } else {
        const children = node.children;
        const literal = children === null ? undefined : children.get(levels[d]!);
        const plus = d === 0 && dollar ? null : node.plus;
        if (literal !== undefined) {
          next = literal;
          if (plus !== null) {
            stackNodes[sp] = plus;
            stackDepths[sp] = d + 1;
            sp++;
          }
        } else {
          next = plus;
        }
      }
      if (next !== null) {
        node = next;
        d++;
      } else if (sp > 0) {
        sp--;
        node = stackNodes[sp]!;
        d = stackDepths[sp]!;
      } else {
        break;
      }
    }
    // Don't keep nodes and strings reachable after a match of an unusually deep topic.
    if (stackNodes.length > 1024) {
      stackNodes.length = 0;
      stackDepths.length = 0;
    }
    if (levels.length > 1024) levels.length = 0;
    return out;
  }

  /** Each distinct filter that has at least one entry. */
  filters(): IterableIterator<string> {
    return this.#nodes.keys();
  }

  /** Every (filter, key, value) entry. */
  *entries(): IterableIterator<IndexEntry<T>> {
    for (const node of this.#nodes.values()) yield* node.entries;
  }

  clear(): void {
    this.#root = new TrieNode<T>(null, '');
    this.#nodes.clear();
    this.#size = 0;
    this.#stackNodes.length = 0;
    this.#stackDepths.length = 0;
    this.#levels.length = 0;
  }
}
