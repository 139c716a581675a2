/**
 * The annotated packet, shared by the hex decoder, the packet builder and the broker lab: the hex grid, the field tree and the selected field's details, kept in sync: hovering
 * or focusing a field lights up its bytes, and hovering or moving onto a byte selects its field.
 * The grid draws only the rows in view, so a 4 MB payload scrolls as lightly as a PINGREQ.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type HTMLAttributes, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import {
  asciiChar, bitView, formatValue, HEX_BYTE, hexPreview, moveCursor, moveInList, nodeAtByte, gridRowLabel, rowCount,
  PAYLOAD_TEXT_LIMIT, scrollToRow, visibleNodes, visibleRows, type PacketLayout, type PayloadView,
} from './annotated-packet-model.ts';
import { hexLines } from '../hex.ts';
import PacketPartLegend from '../packet-part-legend.tsx';
import { HydrationPart } from '../hydrate-in-slices.tsx';
import { translator, type Translate } from '../../i18n/catalogue.ts';
import type { Lang } from '../../i18n/lang.ts';

export const ROW_HEIGHT = 26;

export interface PayloadPanel {
  path: string;
  offset: number;
  view: PayloadView;
}

export interface PacketViewProps {
  bytes: Uint8Array;
  layout: PacketLayout;
  /** Absolute offset of a byte to mark as breaking a rule, or -1. */
  errorByte?: number;
  payloads?: PayloadPanel[];
  /** The page's language (text comes from the catalogue's `packet` section). */
  lang: Lang;
  /** Extra text for a node's value (e.g. a reason code's name), by path. */
  meanings?: Readonly<Record<string, string>>;
  idPrefix: string;
  /** Path of the node to select first; the fixed header by default. */
  initialPath?: string;
  /** Rendered between the grid/tree and the details (e.g. builder controls). */
  children?: ReactNode;
  /** Called when the selected field changes. */
  onSelectPath?: (path: string) => void;
  /** Field paths to flag with an error mark in the tree. */
  errorPaths?: ReadonlySet<string>;
}

export default function AnnotatedPacket(props: PacketViewProps) {
  const { bytes, layout, errorByte = -1, payloads = [], meanings = {}, idPrefix, initialPath } = props;
  const { lang } = props;
  const t = useMemo(() => translator(lang), [lang]);
  const findPath = useCallback((path: string | undefined) => {
    if (path === undefined) return layout.nodes.length > 0 ? 0 : -1;
    const i = layout.nodes.findIndex((n) => n.path === path);
    return i === -1 ? (layout.nodes.length > 0 ? 0 : -1) : i;
  }, [layout]);
  const [selected, setSelected] = useState(() => findPath(initialPath));
  const [hover, setHover] = useState(-1);
  const [cursor, setCursor] = useState(0);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const lastPath = useRef<string | undefined>(initialPath);

  // A new packet keeps the selected path when it still exists (the builder re-encodes on each keystroke).
  useEffect(() => {
    const index = findPath(lastPath.current);
    setSelected(index);
    setHover(-1);
    const node = layout.nodes[index];
    setCursor(node ? node.start - layout.base : 0);
  }, [layout, findPath]);

  const select = useCallback((index: number, moveCursorToo = true) => {
    setSelected(index);
    const node = layout.nodes[index];
    if (node) {
      lastPath.current = node.path;
      props.onSelectPath?.(node.path);
      if (moveCursorToo) setCursor(node.start - layout.base);
    }
  }, [layout, props.onSelectPath]);

  const selectedNode = layout.nodes[selected];
  const hoverNode = layout.nodes[hover];
  const detailNode = hoverNode ?? selectedNode;

  return (
    <div className="mqtt-pv">
      <PacketPartLegend lang={lang} />
      {/* Each pane hydrates on its own, in short slices (hydrate-in-slices.tsx). */}
      <div className="mqtt-pv__panes">
        <HydrationPart>
          <HexGrid
            bytes={bytes} layout={layout} t={t} idPrefix={idPrefix} errorByte={errorByte}
            selected={selectedNode ? [selectedNode.start, selectedNode.end] : null}
            hovered={hoverNode ? [hoverNode.start, hoverNode.end] : null}
            cursor={cursor}
            onCursor={(rel) => {
              setCursor(rel);
              const n = nodeAtByte(layout, layout.base + rel);
              if (n !== -1) select(n, false);
            }}
            onHoverByte={(rel) => setHover(rel === -1 ? -1 : nodeAtByte(layout, layout.base + rel))}
          />
        </HydrationPart>
        <HydrationPart>
          <FieldTree
            layout={layout} t={t} idPrefix={idPrefix} selected={selected} collapsed={collapsed} meanings={meanings}
            errorPaths={props.errorPaths} errorByte={errorByte}
            onSelect={(i) => select(i)} onHover={setHover}
            onToggle={(path) => setCollapsed((c) => {
              const next = new Set(c);
              if (next.has(path)) next.delete(path);
              else next.add(path);
              return next;
            })}
          />
        </HydrationPart>
      </div>
      {props.children}
      {detailNode && (
        <FieldDetails bytes={bytes} layout={layout} node={detailNode.index} t={t} lang={lang} meanings={meanings} payloads={payloads} errorByte={errorByte} />
      )}
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

interface HexGridProps {
  bytes: Uint8Array;
  layout: PacketLayout;
  t: Translate;
  idPrefix: string;
  errorByte: number;
  selected: [number, number] | null;
  hovered: [number, number] | null;
  /** Relative byte index of the keyboard cursor. */
  cursor: number;
  onCursor: (rel: number) => void;
  onHoverByte: (rel: number) => void;
}

export function HexGrid({ bytes, layout, t, idPrefix, errorByte, selected, hovered, cursor, onCursor, onHoverByte }: HexGridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [bytesPerRow, setBytesPerRow] = useState(16);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(ROW_HEIGHT * 12);
  const rows = rowCount(layout.length, bytesPerRow);
  const shownRows = visibleRows(scrollTop, viewport, ROW_HEIGHT, rows);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      setBytesPerRow(el.clientWidth < 520 ? 8 : 16);
      setViewport(el.clientHeight || ROW_HEIGHT * 12);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Keep the cursor's row in view.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const target = scrollToRow(Math.floor(cursor / bytesPerRow), el.scrollTop, el.clientHeight, ROW_HEIGHT);
    if (target !== null) el.scrollTop = target;
  }, [cursor, bytesPerRow]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const pageRows = Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 1);
    const next = moveCursor(cursor, event.key, layout.length, bytesPerRow, pageRows, event.ctrlKey || event.metaKey);
    if (next === null) return;
    event.preventDefault();
    onCursor(next);
  };

  const cellId = (rel: number) => `${idPrefix}-b${rel}`;
  const inRange = (abs: number, r: [number, number] | null) => r !== null && abs >= r[0] && abs < r[1];
  const activeSpan = layout.byteSpan[cursor] ?? -1;
  const activeLabel = activeSpan === -1 ? t('packet.noField') : layout.nodes[layout.spanNode[activeSpan]!]?.label ?? '';

  const rowElements: ReactNode[] = [];
  for (let row = shownRows.first; row < shownRows.last; row++) {
    const start = row * bytesPerRow;
    const end = Math.min(layout.length, start + bytesPerRow);
    const cells: ReactNode[] = [];
    let ascii = '';
    for (let rel = start; rel < end; rel++) {
      const abs = layout.base + rel;
      const byte = bytes[abs]!;
      ascii += asciiChar(byte);
      const span = layout.byteSpan[rel]!;
      const kind = span === -1 ? 'none' : fieldKindClass(layout, span);
      const classes = ['mqtt-pv__byte', `mqtt-pv__byte--${kind}`, span % 2 === 0 ? 'mqtt-pv__byte--even' : 'mqtt-pv__byte--odd'];
      const prevSpan = rel > 0 ? layout.byteSpan[rel - 1] : -2;
      if (prevSpan !== span) classes.push('mqtt-pv__byte--first');
      if (inRange(abs, selected)) classes.push('mqtt-pv__byte--selected');
      if (inRange(abs, hovered)) classes.push('mqtt-pv__byte--hover');
      if (abs === errorByte) classes.push('mqtt-pv__byte--error');
      if (rel === cursor) classes.push('mqtt-pv__byte--cursor');
      cells.push(
        <span
          key={rel} id={cellId(rel)} role="gridcell" className={classes.join(' ')} data-offset={abs}
          aria-selected={inRange(abs, selected)}
          aria-label={rel === cursor ? t('packet.byteAt', { offset: String(abs), hex: HEX_BYTE[byte]!, field: abs === errorByte ? `${activeLabel} — ${t('packet.errorByte')}` : activeLabel }) : undefined}
          onMouseEnter={() => onHoverByte(rel)}
          onMouseDown={(e) => { e.preventDefault(); scroller.current?.focus({ preventScroll: true }); onCursor(rel); }}
        >
          {HEX_BYTE[byte]}
        </span>,
      );
    }
    rowElements.push(
      <div role="row" key={row} aria-rowindex={row + 1} className="mqtt-pv__row" style={{ top: row * ROW_HEIGHT }}>
        <span role="rowheader" className="mqtt-pv__offset">{gridRowLabel(layout.base + start, layout.base + layout.length)}</span>
        {cells}
        <span className="mqtt-pv__ascii" aria-hidden="true">{ascii}</span>
      </div>,
    );
  }

  return (
    <KeyboardPane
      name="grid" paneRef={scroller} role="grid" label={t('packet.gridLabel')} help={t('packet.hexGridHelp')} helpId={`${idPrefix}-grid-help`}
      activeId={layout.length > 0 ? cellId(cursor) : undefined} onKeyDown={onKeyDown} onMouseLeave={() => onHoverByte(-1)}
      attributes={{
        'aria-rowcount': rows, 'aria-multiselectable': true, 'aria-readonly': true, 'data-bytes-per-row': bytesPerRow,
        onScroll: (e) => setScrollTop(e.currentTarget.scrollTop),
      }}
    >
      <div role="rowgroup" className="mqtt-pv__rows" style={{ height: rows * ROW_HEIGHT }}>
        {rowElements}
      </div>
    </KeyboardPane>
  );
}

interface KeyboardPaneProps {
  /** grid or tree: the class names mqtt-pv__NAME and mqtt-pv__NAME-wrap. */
  name: 'grid' | 'tree';
  paneRef: RefObject<HTMLDivElement | null>;
  role: 'grid' | 'tree';
  label: string;
  help: string;
  helpId: string;
  /** The id of the item the keyboard is on, read out by screen readers while focus stays on the pane. */
  activeId: string | undefined;
  onKeyDown: (event: KeyboardEvent<HTMLDivElement>) => void;
  onMouseLeave: () => void;
  attributes?: HTMLAttributes<HTMLDivElement> & Record<`data-${string}`, number>;
  children: ReactNode;
}

/** The hex grid and the field tree alike: one focusable pane, its name, its active item, and the keyboard help under it. */
function KeyboardPane({ name, paneRef, role, label, help, helpId, activeId, onKeyDown, onMouseLeave, attributes, children }: KeyboardPaneProps) {
  return (
    <div className={`mqtt-pv__${name}-wrap`}>
      <div
        ref={paneRef} className={`mqtt-pv__${name}`} role={role} aria-label={label} aria-activedescendant={activeId}
        aria-describedby={helpId} tabIndex={0} onKeyDown={onKeyDown} onMouseLeave={onMouseLeave} {...attributes}
      >
        {children}
      </div>
      <p id={helpId} className="mqtt-pv__help">{help}</p>
    </div>
  );
}

function fieldKindClass(layout: PacketLayout, span: number): string {
  const node = layout.nodes[layout.spanNode[span]!];
  return node ? node.kind : 'none';
}

// ---------------------------------------------------------------------------------------------

interface FieldTreeProps {
  layout: PacketLayout;
  t: Translate;
  idPrefix: string;
  selected: number;
  collapsed: ReadonlySet<string>;
  meanings: Readonly<Record<string, string>>;
  errorPaths?: ReadonlySet<string> | undefined;
  errorByte: number;
  onSelect: (index: number) => void;
  onHover: (index: number) => void;
  onToggle: (path: string) => void;
}

export function FieldTree({ layout, t, idPrefix, selected, collapsed, meanings, errorPaths, errorByte, onSelect, onHover, onToggle }: FieldTreeProps) {
  const order = useMemo(() => visibleNodes(layout, collapsed), [layout, collapsed]);
  const position = order.indexOf(selected);
  const tree = useRef<HTMLDivElement>(null);
  const itemId = (i: number) => `${idPrefix}-n${i}`;

  useEffect(() => {
    const el = tree.current?.querySelector<HTMLElement>(`#${CSS.escape(itemId(selected))}`);
    if (el && tree.current) {
      const top = el.offsetTop - tree.current.offsetTop;
      if (top < tree.current.scrollTop) tree.current.scrollTop = top;
      else if (top + el.offsetHeight > tree.current.scrollTop + tree.current.clientHeight) tree.current.scrollTop = top + el.offsetHeight - tree.current.clientHeight;
    }
  }, [selected]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const node = layout.nodes[selected];
    if (event.key === 'ArrowRight' && node) {
      event.preventDefault();
      if (node.children.length > 0 && collapsed.has(node.path)) onToggle(node.path);
      else if (node.children.length > 0) onSelect(node.children[0]!);
      return;
    }
    if (event.key === 'ArrowLeft' && node) {
      event.preventDefault();
      if (node.children.length > 0 && !collapsed.has(node.path)) onToggle(node.path);
      else if (node.parent !== -1) onSelect(node.parent);
      return;
    }
    if ((event.key === 'Enter' || event.key === ' ') && node && node.children.length > 0) {
      event.preventDefault();
      onToggle(node.path);
      return;
    }
    const next = moveInList(Math.max(0, position), event.key, order.length);
    if (next === null) return;
    event.preventDefault();
    onSelect(order[next]!);
  };

  return (
    <KeyboardPane
      name="tree" paneRef={tree} role="tree" label={t('packet.treeLabel')} help={t('packet.treeHelp')} helpId={`${idPrefix}-tree-help`}
      activeId={selected >= 0 ? itemId(selected) : undefined} onKeyDown={onKeyDown} onMouseLeave={() => onHover(-1)}
    >
      {order.map((index) => {
        const node = layout.nodes[index]!;
        const span = node.span >= 0 ? layout.spans[node.span]! : null;
        const hasChildren = node.children.length > 0;
        const isError = (errorByte >= node.start && errorByte < node.end && node.children.length === 0) || (errorPaths?.has(node.path) ?? false);
        const value = span ? formatValue(span) : '';
        const meaning = meanings[node.path];
        return (
          <div
            key={index}
            id={itemId(index)}
            role="treeitem"
            aria-level={node.depth + 1}
            aria-selected={index === selected}
            aria-expanded={hasChildren ? !collapsed.has(node.path) : undefined}
            className={`mqtt-pv__node mqtt-pv__node--${node.kind}${index === selected ? ' mqtt-pv__node--selected' : ''}${isError ? ' mqtt-pv__node--error' : ''}`}
            style={{ paddingInlineStart: `${0.4 + node.depth * 1.1}rem` }}
            data-path={node.path}
            onMouseEnter={() => onHover(index)}
            onMouseDown={(e) => { e.preventDefault(); tree.current?.focus({ preventScroll: true }); }}
            onClick={() => { if (hasChildren && index === selected) onToggle(node.path); onSelect(index); }}
          >
            <span className="mqtt-pv__twisty" aria-hidden="true">{hasChildren ? (collapsed.has(node.path) ? '▸' : '▾') : ''}</span>
            <span className="mqtt-pv__node-label">{node.label}</span>
            {value !== '' && <span className="mqtt-pv__node-value">{value}</span>}
            {meaning !== undefined && <span className="mqtt-pv__node-meaning">{meaning}</span>}
            <span className="mqtt-pv__node-range">{node.end - node.start === 1 ? `@${node.start}` : `@${node.start}+${node.end - node.start}`}</span>
          </div>
        );
      })}
      {layout.hiddenNodes > 0 && <p className="mqtt-pv__hidden">{t('packet.hiddenNodes', { count: layout.hiddenNodes })}</p>}
    </KeyboardPane>
  );
}

// ---------------------------------------------------------------------------------------------

interface FieldDetailsProps {
  bytes: Uint8Array;
  layout: PacketLayout;
  node: number;
  t: Translate;
  lang: Lang;
  meanings: Readonly<Record<string, string>>;
  payloads: PayloadPanel[];
  errorByte: number;
}

export function FieldDetails({ bytes, layout, node: index, t, lang, meanings, payloads, errorByte }: FieldDetailsProps) {
  const node = layout.nodes[index]!;
  const span = node.span >= 0 ? layout.spans[node.span]! : null;
  const range = node.end - node.start === 1 ? t('packet.rangeOne', { start: node.start }) : t('packet.range', { start: node.start, end: node.end - 1 });
  const payload = payloads.find((p) => p.path === node.path);
  const bits = span?.bits !== undefined && span.length === 1 ? bitView(bytes[span.offset]!, span.bits, lang) : null;
  return (
    <section className="mqtt-pv__details" aria-label={t('packet.detailsLabel')} data-testid="field-details">
      <h4 className="mqtt-pv__details-title">{node.label}</h4>
      <dl className="mqtt-pv__facts">
        <div><dt>{t('packet.path')}</dt><dd><code>{node.path}</code></dd></div>
        <div><dt>{t('packet.offset')}</dt><dd>{range} ({t('packet.bytesShort', { n: node.end - node.start })})</dd></div>
        <div><dt>{t('packet.bytes')}</dt><dd><code>{hexPreview(bytes, node.start, node.end, 24)}</code></dd></div>
        {span && span.value !== null && <div><dt>{t('packet.value')}</dt><dd className="mqtt-pv__value">{formatValue(span)}</dd></div>}
        {meanings[node.path] !== undefined && <div><dt>{t('packet.meaning')}</dt><dd>{meanings[node.path]}</dd></div>}
        {errorByte >= node.start && errorByte < node.end && <div><dt>{t('packet.problem')}</dt><dd className="mqtt-pv__error-text">{t('packet.errorAt', { offset: errorByte })}</dd></div>}
      </dl>
      {bits && (
        <table className="mqtt-pv__bits">
          <caption className="mqtt-pw-sr">{t('packet.bits')}</caption>
          <thead>
            <tr>{bits.cells.map((c) => <th key={c.bit} scope="col">{c.bit}</th>)}</tr>
          </thead>
          <tbody>
            <tr>{bits.cells.map((c) => <td key={c.bit} className={`mqtt-pv__bit mqtt-pv__bit--f${c.field % 4}`}>{c.value}</td>)}</tr>
          </tbody>
          <tfoot>
            {bits.fields.map((f, k) => (
              <tr key={f.path}>
                <td colSpan={8} className={`mqtt-pv__bitfield mqtt-pv__bit--f${k % 4}`}>
                  <strong>{f.high === f.low ? t('packet.bitOne', { bit: f.low }) : t('packet.bitSpan', { high: f.high, low: f.low })}</strong> {f.label} = {f.value}{f.meaning && ` — ${f.meaning}`}
                </td>
              </tr>
            ))}
          </tfoot>
        </table>
      )}
      {payload && <PayloadViews bytes={bytes} panel={payload} t={t} />}
    </section>
  );
}

const HEX_PREVIEW_BYTES = 512;

function PayloadViews({ bytes, panel, t }: { bytes: Uint8Array; panel: PayloadPanel; t: Translate }) {
  const v = panel.view;
  if (v.length === 0) return <p className="mqtt-pv__note">{t('packet.payloadEmpty')}</p>;
  const shown = Math.min(v.length, HEX_PREVIEW_BYTES);
  const lines = hexLines(bytes, panel.offset, shown);
  return (
    <div className="mqtt-pv__payload" data-testid="payload-views">
      {v.json !== null && (
        <>
          <h5>{t('packet.payloadJson')}</h5>
          <pre tabIndex={0} className="mqtt-pv__pre" data-testid="payload-json">{v.json}</pre>
        </>
      )}
      {v.text !== null ? (
        <>
          <h5>{t('packet.payloadText')}</h5>
          {v.truncated && <p className="mqtt-pv__note">{t('packet.payloadTruncated', { limit: PAYLOAD_TEXT_LIMIT, length: v.length })}</p>}
          <pre tabIndex={0} className="mqtt-pv__pre" data-testid="payload-text">{v.text}</pre>
        </>
      ) : (
        <p className="mqtt-pv__note">{t('packet.payloadNotUtf8', { at: v.invalidUtf8At ?? 0 })}</p>
      )}
      <h5>{t('packet.payloadHex')}</h5>
      <pre tabIndex={0} className="mqtt-pv__pre" data-testid="payload-hex">
        {lines.join('\n')}
        {v.length > shown && `\n${t('packet.payloadHexMore', { more: v.length - shown })}`}
      </pre>
    </div>
  );
}
