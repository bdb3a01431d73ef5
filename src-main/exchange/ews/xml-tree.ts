/**
 * A lean, strict reader of EWS answers: the SOAP text becomes a small tree of plain objects (local names, the
 * element's own text, attributes by local name) — no DOM, no library object graph. The hot paths (the answers to
 * CreateItem / UpdateItem / SyncFolderItems / GetItem) are read with it instead of ews-javascript-api + xmldom,
 * which built a DOM and a property bag per item (docs/ARCHITECTURE.md, performance).
 *
 * The parser is saxes (strict XML 1.0 with namespaces, the parser jsdom uses): text that is not well-formed XML
 * is an error here, never a half-read answer.
 */
import { SaxesParser } from 'saxes';
import { SyncError } from '../../shared/errors';

export interface XmlElement {
  /** Local name (`t:ItemId` → `ItemId`). */
  name: string;
  /** Namespace URI ('' when none). */
  ns: string;
  /** Attributes by local name (namespace declarations left out). */
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own character data (CDATA included), concatenated; '' when none. */
  text: string;
}

export const NS_SOAP = 'http://schemas.xmlsoap.org/soap/envelope/';
export const NS_MESSAGES = 'http://schemas.microsoft.com/exchange/services/2006/messages';
export const NS_TYPES = 'http://schemas.microsoft.com/exchange/services/2006/types';

/** Parses a whole XML document; returns its root element. Throws SyncError('malformed') on text that is not XML. */
export function parseXml(text: string, what = 'EWS answer'): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: false });
  const root: XmlElement = { name: '#document', ns: '', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let error: Error | null = null;
  parser.on('error', (e) => {
    error ??= e;
  });
  parser.on('opentag', (tag) => {
    const attrs: Record<string, string> = {};
    for (const key in tag.attributes) {
      const a = tag.attributes[key] as { local: string; prefix: string; value: string };
      if (a.prefix === 'xmlns' || key === 'xmlns') continue;
      attrs[a.local] = a.value;
    }
    const el: XmlElement = { name: tag.local ?? tag.name, ns: tag.uri ?? '', attrs, children: [], text: '' };
    stack[stack.length - 1]!.children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  const onText = (t: string): void => {
    const top = stack[stack.length - 1]!;
    if (top !== root) top.text += t;
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  try {
    parser.write(text).close();
  } catch (e) {
    error ??= e as Error;
  }
  const doc = root.children[0];
  if (error || !doc) {
    throw new SyncError(
      'malformed',
      `${what} is not well-formed XML: ${error ? error.message : 'no element'}`,
    );
  }
  return doc;
}

/** The first child element with this local name. */
export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  if (!el) return undefined;
  for (const c of el.children) if (c.name === name) return c;
  return undefined;
}

/** Every child element with this local name, in order. */
export function childrenNamed(el: XmlElement | undefined, name: string): XmlElement[] {
  return el ? el.children.filter((c) => c.name === name) : [];
}

/** Follows a path of local names from `el` (first match at each step). */
export function path(el: XmlElement | undefined, ...names: string[]): XmlElement | undefined {
  let cur = el;
  for (const n of names) cur = child(cur, n);
  return cur;
}

/** The text of the named child, or undefined when there is no such child. */
export function textOf(el: XmlElement | undefined, name: string): string | undefined {
  const c = child(el, name);
  return c ? c.text : undefined;
}
