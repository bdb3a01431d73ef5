/**
 * A tiny XML model for the EWS emulator: requests are parsed with @xmldom/xmldom into {@link XNode} trees (local
 * names + namespace), stored item properties are XNodes too (as the client sent them, in the types namespace),
 * and responses are written with a small escaping builder.
 */
import { DOMParser } from '@xmldom/xmldom';

export const NS = {
  soap: 'http://schemas.xmlsoap.org/soap/envelope/',
  m: 'http://schemas.microsoft.com/exchange/services/2006/messages',
  t: 'http://schemas.microsoft.com/exchange/services/2006/types',
  e: 'http://schemas.microsoft.com/exchange/services/2006/errors',
} as const;

export interface XNode {
  /** Local name. */
  name: string;
  ns: string;
  attrs: Record<string, string>;
  children: XNode[];
  /** Concatenated text content of direct text children. */
  text: string;
}

export function el(
  name: string,
  attrs: Record<string, string> = {},
  children: XNode[] = [],
  text = '',
): XNode {
  return { name, ns: NS.t, attrs, children, text };
}

export function textEl(name: string, text: string, attrs: Record<string, string> = {}): XNode {
  return el(name, attrs, [], text);
}

export class XmlParseError extends Error {}

interface DomNode {
  nodeType: number;
  localName?: string | null;
  nodeName: string;
  namespaceURI?: string | null;
  nodeValue?: string | null;
  attributes?: { length: number; item(i: number): DomNode | null } | null;
  childNodes?: { length: number; item(i: number): DomNode | null } | null;
}

function toX(n: DomNode): XNode {
  const attrs: Record<string, string> = {};
  const a = n.attributes;
  if (a) {
    for (let i = 0; i < a.length; i++) {
      const at = a.item(i);
      if (!at) continue;
      const nm = at.nodeName;
      if (nm === 'xmlns' || nm.startsWith('xmlns:')) continue;
      attrs[at.localName ?? nm] = at.nodeValue ?? '';
    }
  }
  const children: XNode[] = [];
  let text = '';
  const c = n.childNodes;
  if (c) {
    for (let i = 0; i < c.length; i++) {
      const ch = c.item(i);
      if (!ch) continue;
      if (ch.nodeType === 1) children.push(toX(ch));
      else if (ch.nodeType === 3 || ch.nodeType === 4) text += ch.nodeValue ?? '';
    }
  }
  return { name: n.localName ?? n.nodeName, ns: n.namespaceURI ?? '', attrs, children, text };
}

/** Parses a document; throws {@link XmlParseError} on anything not well-formed. */
export function parseXml(xml: string): XNode {
  const errors: string[] = [];
  const doc = new DOMParser({
    errorHandler: {
      warning: () => {},
      error: (m: string) => errors.push(m),
      fatalError: (m: string) => errors.push(m),
    },
  }).parseFromString(xml, 'text/xml');
  if (errors.length) throw new XmlParseError(errors[0] ?? 'not well-formed');
  const root = doc?.documentElement as unknown as DomNode | null;
  if (!root) throw new XmlParseError('no document element');
  return toX(root);
}

export function child(n: XNode | undefined, name: string): XNode | undefined {
  return n?.children.find((c) => c.name === name);
}
export function children(n: XNode | undefined, name?: string): XNode[] {
  if (!n) return [];
  return name ? n.children.filter((c) => c.name === name) : n.children;
}
export function childText(n: XNode | undefined, name: string): string | undefined {
  const c = child(n, name);
  return c ? c.text : undefined;
}
/** Depth-first path lookup: path('Recurrence', 'WeeklyRecurrence', 'Interval'). */
export function path(n: XNode | undefined, ...names: string[]): XNode | undefined {
  let cur = n;
  for (const nm of names) cur = child(cur, nm);
  return cur;
}

export function clone(n: XNode): XNode {
  return { name: n.name, ns: n.ns, attrs: { ...n.attrs }, children: n.children.map(clone), text: n.text };
}

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c] ?? c).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

export function attrsXml(attrs: Record<string, string | number | boolean | undefined>): string {
  let s = '';
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) s += ` ${k}="${esc(String(v))}"`;
  return s;
}

/** Writes an element; `inner` is already-escaped XML. Self-closes when empty. */
export function tag(
  qname: string,
  attrs: Record<string, string | number | boolean | undefined>,
  inner = '',
): string {
  return inner === '' ? `<${qname}${attrsXml(attrs)}/>` : `<${qname}${attrsXml(attrs)}>${inner}</${qname}>`;
}
/** `<t:Name>text</t:Name>` with escaping (empty text self-closes). */
export function tt(name: string, text: string | number | boolean | undefined | null): string {
  if (text === undefined || text === null) return '';
  return tag(`t:${name}`, {}, esc(String(text)));
}

/** Serializes a stored XNode in the types namespace (prefix t:). */
export function writeX(n: XNode, prefix = 't'): string {
  const inner = n.children.length ? n.children.map((c) => writeX(c, prefix)).join('') : esc(n.text);
  return tag(`${prefix}:${n.name}`, n.attrs, inner);
}
