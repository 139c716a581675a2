/**
 * Simplified Chinese for what src/mqtt/topics says in English: validation problems, hints and
 * the level-by-level match explanation. The topics module stays the source of truth for WHAT is
 * said (which problems, which hints, which steps, in which order); this file only re-says each
 * item in Chinese from the item's structured data (rule id, index, levels), recomputing the few
 * numbers and quotes the English sentence contains. Anything it cannot classify returns null and
 * the caller keeps the English text (the model tests check that this never happens for the
 * inputs the widget can produce).
 */
import {
  MAX_TOPIC_BYTES,
  ruleIds,
  type MatchExplanation,
  type MatchStep,
  topicHintFacts,
  type TopicHintFact,
  type TopicKind,
  type TopicProblem,
  type TopicProtocolVersion,
} from '../../mqtt/topics/index.ts';

const SHARE_PREFIX = '$share/';

/** Like the topics module's quoteLevel: a level shortened to 40 characters, the empty one named. */
export function quoteLevelZh(level: string): string {
  if (level.length === 0) return '空层级 ""';
  const shown = level.length > 40 ? `${level.slice(0, 37)}…` : level;
  return `"${shown}"`;
}

function quote(text: string): string {
  return text.length > 60 ? `"${text.slice(0, 57)}…"` : `"${text}"`;
}

function json(text: string): string {
  return JSON.stringify(text);
}

function levelAround(text: string, at: number): string {
  const start = text.lastIndexOf('/', at - 1) + 1;
  let end = text.indexOf('/', at);
  if (end === -1) end = text.length;
  return text.slice(start, end);
}

function hex4(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function wildcardFix(level: string, wildcard: string): string | null {
  if (level.length > 1 && level.endsWith(wildcard) && !level.slice(0, -1).includes(wildcard)) {
    return `${level.slice(0, -1)}/${wildcard}`;
  }
  if (wildcard === '+' && level.length > 1 && level.startsWith('+') && !level.slice(1).includes('+')) {
    return `+/${level.slice(1)}`;
  }
  return null;
}

function embeddedWildcardHintZh(level: string, wildcard: string): string {
  const name = wildcard === '#' ? "'#'（任意数量的层级）" : "'+'（恰好一个层级）";
  const fix = wildcardFix(level, wildcard);
  const example = fix === null ? '' : `例如用 ${quote(fix)} 代替 ${quote(level)}。`;
  return `MQTT 通配符总是占据一整个层级，不能只占层级的一部分：请把 ${name}单独放在两个斜杠之间。${example}`;
}

function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { bytes += 4; i++; }
    else bytes += 3;
  }
  return bytes;
}

export interface ZhProblem { message: string; hint?: string }

/** One validation problem in Chinese, or null if it is not one this file knows. */
export function problemZh(problem: TopicProblem, text: string, kind: TopicKind, version: TopicProtocolVersion): ZhProblem | null {
  const rules = ruleIds(version);
  const what = kind === 'name' ? '主题名' : '主题过滤器';
  const i = problem.index;
  const ch = i >= 0 ? text[i] ?? '' : '';
  const isShared = kind === 'filter' && version === 5 && text.startsWith(SHARE_PREFIX);
  const groupEnd = isShared ? (text.indexOf('/', SHARE_PREFIX.length) === -1 ? text.length : text.indexOf('/', SHARE_PREFIX.length)) : 0;
  const group = isShared ? text.slice(SHARE_PREFIX.length, groupEnd) : '';

  switch (problem.rule) {
    case 'MQTT-4.7.3-1':
      return kind === 'filter'
        ? { message: '主题过滤器是空的：至少要有一个字符。', hint: "要接收所有消息，请订阅 '#'。" }
        : { message: '主题名是空的：至少要有一个字符。', hint: '请发布到至少有一个字符的主题，例如 "sensors/temp"。' };
    case 'MQTT-4.7.3-3': {
      const bytes = /is (\d+) bytes/.exec(problem.message)?.[1] ?? String(utf8Bytes(text));
      return {
        message: `这个${what}按 UTF-8 编码有 ${bytes} 字节，上限是 ${MAX_TOPIC_BYTES} 字节。`,
        hint: '主题要尽量短：每条消息都要带上它（MQTT 5.0 中也可以用主题别名代替很长的主题名）。',
      };
    }
    case 'MQTT-4.7.3-2':
      if (i < 0) return null;
      return {
        message: `层级 ${quoteLevelZh(levelAround(text, i))} 在索引 ${i} 处含有空字符 U+0000；主题名和主题过滤器都不能包含它。`,
        hint: 'U+0000 通常来自 C 字符串的结束符或填充过的缓冲区，发送前请把它去掉。',
      };
    case 'MQTT-4.8.2-1':
      if (!isShared) return null;
      return {
        message: '共享订阅的 ShareName 是空的："$share/" 后面必须跟一个至少有一个字符的名称。',
        hint: '请写成 "$share/{组名}/{过滤器}"，例如 "$share/workers/jobs/#"。',
      };
    case 'MQTT-4.8.2-2':
      if (!isShared) return null;
      if (i >= 0) {
        return {
          message: `ShareName ${quoteLevelZh(group)} 在索引 ${i} 处含有 '${ch}'；ShareName 不能包含 '/'、'+' 或 '#'。`,
          hint: 'ShareName 只是这组订阅者的名字；通配符要放在下一个 \'/\' 之后的过滤器里，例如 "$share/workers/jobs/+"。',
        };
      }
      return {
        message: groupEnd === text.length
          ? `ShareName ${quoteLevelZh(group)} 后面必须跟 '/' 和一个主题过滤器，但字符串到这里就结束了。`
          : `ShareName ${quoteLevelZh(group)} 后面的 '/' 之后必须跟一个主题过滤器，但后面什么也没有。`,
        hint: `请加上要共享的过滤器，例如 "$share/${group}/#"。`,
      };
    default:
      break;
  }
  if (problem.rule === rules.utf8 && i >= 0) {
    return {
      message: `层级 ${quoteLevelZh(levelAround(text, i))} 在索引 ${i} 处含有单独的代理项 ${hex4(text.charCodeAt(i))}；它不是 Unicode 字符，没有合法的 UTF-8 编码。`,
      hint: '单独的代理项通常是因为在 emoji 或其他基本多文种平面以外的字符中间截断了字符串。',
    };
  }
  if (i < 0 || (ch !== '+' && ch !== '#')) return null;
  const levelText = levelAround(text, i);
  if (kind === 'name') {
    if (problem.rule !== rules.wildcardInName) return null;
    return {
      message: `主题名的层级 ${quoteLevelZh(levelText)} 在索引 ${i} 处含有通配符 '${ch}'；通配符只能用在主题过滤器中（另见 MQTT-3.3.2-2）。`,
      hint: "一条消息只发布到一个具体的主题，'+' 和 '#' 属于订阅。请把通配符换成实际的层级。",
    };
  }
  if (ch === '+' && problem.rule === rules.singleLevel) {
    return {
      message: `索引 ${i} 处的 '+' 与其他字符同在层级 ${quoteLevelZh(levelText)} 中；'+' 必须独占一整个层级。`,
      hint: embeddedWildcardHintZh(levelText, '+'),
    };
  }
  if (ch === '#' && problem.rule === rules.multiLevel) {
    if (levelText !== '#') {
      return {
        message: `索引 ${i} 处的 '#' 与其他字符同在层级 ${quoteLevelZh(levelText)} 中；'#' 必须独占一个层级，而且必须是最后一层。`,
        hint: embeddedWildcardHintZh(levelText, '#'),
      };
    }
    return {
      message: `索引 ${i} 处（第 ${problem.level} 层）的 '#' 后面还有别的层级；'#' 匹配它下面的所有层级，所以必须是过滤器的最后一层。`,
      hint: "在过滤器中间请用 '+' 匹配单个层级，例如 \"a/+/b\"；或者让过滤器在 '#' 处结束。",
    };
  }
  return null;
}

/** The hints `topicHintFacts` finds, worded in Chinese (which hints, and their order, stay the module's). */
export function topicHintsZh(text: string, kind: TopicKind, version: TopicProtocolVersion): string[] {
  return topicHintFacts(text, kind, { protocolVersion: version }).map(hintInChinese);
}

function hintInChinese(fact: TopicHintFact): string {
  switch (fact.id) {
    case 'shared-in-3.1.1':
      return '共享订阅只存在于 MQTT 5.0：在 MQTT 3.1.1 中，"$share/..." 是一个普通的过滤器，只匹配字面上以 "$share" 开头的主题。（有些 3.1.1 代理服务器把它作为扩展来支持。）';
    case 'star-in-filter': {
      const examples = fact.level === '*'
        ? `请用 '+' 匹配恰好一个层级（${quote(fact.one)}）${fact.many === null ? '' : `，或用 '#' 匹配任意数量的层级（${quote(fact.many)}）`}。`
        : "请用 '+' 匹配恰好一个完整的层级，或用 '#' 匹配任意数量的层级；MQTT 没有只匹配层级一部分的通配符。";
      return `'*' 不是 MQTT 通配符：${quote(fact.body)} 只匹配字面上名为 ${quoteLevelZh(fact.level)} 的层级。${examples}`;
    }
    case 'star-in-name':
      return `'*' 在 MQTT 中不是通配符：这会发布到字面上名为 ${quoteLevelZh(fact.level)} 的层级。主题名里根本没有通配符，请发布到具体的主题。`;
    case 'embedded-wildcard':
      return fact.kind === 'filter'
        ? embeddedWildcardHintZh(fact.level, fact.wildcard)
        : `'${fact.wildcard}' 是通配符，不能出现在主题名中，即使在 ${quoteLevelZh(fact.level)} 这样的层级内部也不行；通配符只用于订阅。`;
    case 'wildcard-level-in-name':
      return "主题名是消息要去的那一个具体主题；'+' 和 '#' 只在订阅中起作用。请把通配符换成实际的层级。";
    case 'hash-not-last':
      return `'#' 已经匹配它下面的每一个层级，所以必须放在最后：请用 ${quote(fact.fixed)}，或在中间用 '+' 匹配单个层级。`;
    case 'spaced-level':
      return `空格在 MQTT 主题中是有意义的：层级 ${quoteLevelZh(fact.level)} 的开头或结尾有空格，所以它不匹配 ${quoteLevelZh(fact.level.trim())}。`;
    case 'leading-slash':
      return `开头的 '/' 会产生一个空的第一层：${quote(fact.body)} 和 ${quote(fact.body.slice(1))} 是不同的主题。`;
    case 'trailing-slash':
      return `结尾的 '/' 会产生一个空的最后一层：${quote(fact.body)} 和 ${quote(fact.body.slice(0, -1))} 是不同的主题。`;
    case 'double-slash':
      return `"//" 会在中间产生一个空层级：${quote(fact.body)} 不匹配 ${quote(fact.body.replace(/\/\/+/g, '/'))}。`;
    case 'dots':
      return `MQTT 用 '/' 分隔层级，而不是 '.'：${quote(fact.body)} 只是一个层级。`;
    case 'nats-wildcard':
      return "'>' 不是 MQTT 通配符（它是 NATS 的通配符）；在 MQTT 中请用 '#' 匹配任意数量的层级。";
    case 'dollar-name':
      return "以 '$' 开头的主题保留给服务器使用（例如 $SYS）：第一层是通配符的订阅（'#'、'+/…'）永远收不到它们（MQTT-4.7.2-1）。";
    case 'wildcard-first-level':
      return `第一层是 '${fact.wildcard}' 的过滤器收不到以 '$' 开头的主题，例如 "$SYS/…"（MQTT-4.7.2-1）；如果需要这些主题，请另外订阅 "$SYS/#"。`;
  }
}

function sameIgnoringCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function sameAfterNormalising(a: string, b: string): boolean {
  return a.normalize('NFC') === b.normalize('NFC');
}

function levelsWord(n: number): string {
  return `${n} 个层级`;
}

/**
 * One step of explainMatch in Chinese. `f` are the levels of the filter that is matched (after
 * "$share/{group}/"), `t` the levels of the name. Invalid steps are handled by the caller, which
 * has the problems.
 */
export function stepZh(step: MatchStep, explanation: MatchExplanation, filter: string, name: string): string | null {
  const matched = explanation.shared?.filter ?? filter;
  const f = matched.split('/');
  const t = name.split('/');
  const i = step.level;
  const fl = step.filterLevel;
  const nl = step.nameLevel;
  const qf = json(filter.length > 80 ? `${filter.slice(0, 77)}…` : filter);
  const qn = json(name.length > 80 ? `${name.slice(0, 77)}…` : name);
  switch (step.rule) {
    case 'shared-subscription': {
      const shared = explanation.shared;
      if (shared === undefined) return null;
      return `${qf} 是组 "${shared.group}" 的共享订阅：匹配时只用 "$share/${shared.group}/" 之后的过滤器，也就是 ${json(shared.filter)}。`;
    }
    case 'dollar-topic':
      if (fl === null || nl === null) return null;
      return `主题名以 '$' 开头（${quoteLevelZh(nl)}），而过滤器的第一层是通配符 '${fl}'：开头的通配符永远不匹配以 '$' 开头的主题。要接收这些主题，请订阅以 ${quoteLevelZh(nl)} 开头的过滤器。`;
    case 'parent-level':
      return i === 0
        ? "'#' 匹配任意数量的层级，包括零个。"
        : `主题名没有第 ${i} 层，而 '#' 也可以匹配零个层级：${json(f.slice(0, i + 1).join('/'))} 包括它的父级 ${json(f.slice(0, i).join('/'))}。`;
    case 'multi-level-wildcard': {
      const count = t.length - i;
      return `'#' 匹配剩下的 ${levelsWord(count)}：${json(t.slice(i).join('/'))}。`;
    }
    case 'length-mismatch':
      if (nl === null && fl !== null) {
        return fl === '+'
          ? `'+' 需要恰好一个层级，但主题名只有 ${levelsWord(t.length)}：${json(f.slice(0, i + 1).join('/'))} 不匹配它的父级 ${qn}。`
          : `过滤器在第 ${i} 层期望 ${quoteLevelZh(fl)}，但主题名只有 ${levelsWord(t.length)}。`;
      }
      if (fl === null && nl !== null) {
        const extra = t.length - f.length;
        return `过滤器在 ${levelsWord(f.length)}之后就结束了，但主题名还有 ${json(t.slice(f.length).join('/'))}（多出 ${levelsWord(extra)}）；在过滤器末尾加上 "/#" 才能匹配更深的层级。`;
      }
      return null;
    case 'single-level-wildcard':
      if (nl === null) return null;
      return nl === '' ? `'+' 匹配第 ${i} 层的空层级 ""：空层级也是一个层级。` : `'+' 恰好匹配一个层级：${quoteLevelZh(nl)}。`;
    case 'literal':
      if (fl === null || nl === null) return null;
      if (step.ok) return nl === '' ? `两者的第 ${i} 层都是空层级。` : `${quoteLevelZh(fl)} 等于 ${quoteLevelZh(nl)}。`;
      if (sameIgnoringCase(fl, nl)) return `${quoteLevelZh(fl)} 不等于 ${quoteLevelZh(nl)}：主题层级区分大小写。`;
      if (sameAfterNormalising(fl, nl)) return `${quoteLevelZh(fl)} 和 ${quoteLevelZh(nl)} 看起来一样，却是不同的 Unicode 序列，而服务器不得对它们做规范化处理。`;
      if (fl.trim() === nl.trim()) return `${quoteLevelZh(fl)} 不等于 ${quoteLevelZh(nl)}：空格是有意义的。`;
      return `${quoteLevelZh(fl)} 不等于 ${quoteLevelZh(nl)}。`;
    default:
      return null;
  }
}

/** The one-line summary in Chinese, derived from the last step (where the English one is decided). */
export function summaryZh(explanation: MatchExplanation, filter: string, name: string, filterValid: boolean, nameValid: boolean): string | null {
  const qf = json(filter.length > 80 ? `${filter.slice(0, 77)}…` : filter);
  const qn = json(name.length > 80 ? `${name.slice(0, 77)}…` : name);
  if (!filterValid || !nameValid) {
    const which = !filterValid && !nameValid ? '过滤器和主题名都无效' : !filterValid ? '过滤器无效' : '主题名无效';
    return `${qf} 不可能匹配 ${qn}：${which}。`;
  }
  const f = (explanation.shared?.filter ?? filter).split('/');
  const t = name.split('/');
  const last = explanation.steps[explanation.steps.length - 1];
  let why: string | null = null;
  if (last === undefined || last.rule === 'shared-subscription' || (last.ok && (last.rule === 'literal' || last.rule === 'single-level-wildcard'))) {
    why = '每一层都匹配。';
  } else if (last.rule === 'dollar-topic') {
    why = "以 '$' 开头的主题不会被以通配符开头的过滤器匹配（MQTT-4.7.2-1）。";
  } else if (last.rule === 'parent-level') {
    why = `'#' 也匹配父级 ${json(f.slice(0, last.level).join('/'))}。`;
  } else if (last.rule === 'multi-level-wildcard') {
    why = `'#' 匹配从第 ${last.level} 层起的所有层级。`;
  } else if (last.rule === 'length-mismatch') {
    why = last.nameLevel === null
      ? `过滤器有 ${levelsWord(f.length)}，而主题名只有 ${levelsWord(t.length)}。`
      : `主题名有 ${levelsWord(t.length)}，而过滤器只有 ${levelsWord(f.length)}。`;
  } else if (last.rule === 'literal' && !last.ok && last.filterLevel !== null && last.nameLevel !== null) {
    why = `第 ${last.level} 层不同（${quoteLevelZh(last.filterLevel)} 与 ${quoteLevelZh(last.nameLevel)}）。`;
  }
  if (why === null) return null;
  return `${qf} ${explanation.matched ? '匹配' : '不匹配'} ${qn}：${why}`;
}
