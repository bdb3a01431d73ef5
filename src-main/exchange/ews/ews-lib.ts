/**
 * The one entry point to ews-javascript-api: it installs the Node ≥ 23 polyfill first (ES modules evaluate their
 * imports in order), then re-exports the library. Import `ews` from here, never from 'ews-javascript-api'.
 *
 * It also makes the library's XML writer escape what it writes. EwsServiceXmlWriter has exactly two places where a
 * value enters the request text — `WriteValue` (element content; WriteElementValue and every complex property go
 * through it) and `WriteAttributeString` (every attribute; WriteAttributeValue goes through it) — and the library
 * escapes nowhere else (0.15.3: no caller escapes before writing), so replacing these two escapes every value
 * exactly once and no call site can forget (see ./xml-text.ts).
 */
import './polyfill';
import * as ews from 'ews-javascript-api';
import { xmlAttr, xmlText } from './xml-text';

interface WriterInternals {
  soapData: string;
  CloseTag(): void;
  PushUris(prefix: string, uri: string): void;
  WriteValue(value: unknown, name: string | null): void;
  WriteAttributeString(...args: unknown[]): void;
}

const writer = (ews as unknown as { EwsServiceXmlWriter: { prototype: WriterInternals } }).EwsServiceXmlWriter
  .prototype;

/** Marks the patched writer (tests check the library in use is the patched one). */
export const EWS_WRITER_ESCAPES = Symbol.for('abra-sync.ews-writer-escapes');

if (!(writer as unknown as Record<symbol, boolean>)[EWS_WRITER_ESCAPES]) {
  writer.WriteValue = function WriteValue(this: WriterInternals, value: unknown): void {
    this.CloseTag();
    this.soapData += xmlText(String(value));
  };
  writer.WriteAttributeString = function WriteAttributeString(
    this: WriterInternals,
    ...args: unknown[]
  ): void {
    // (localName, value) or (prefix, localName, value), as the library calls it
    const [prefix, localName, value] = args.length === 3 ? args : ['', ...args];
    const p = prefix !== '' ? `${String(prefix)}:` : '';
    const s = String(value);
    this.soapData += ` ${p}${String(localName)}="${xmlAttr(s)}"`;
    if (p === 'xmlns:') this.PushUris(String(localName), s);
  };
  (writer as unknown as Record<symbol, boolean>)[EWS_WRITER_ESCAPES] = true;
}

export { ews };

/**
 * "Not given" for a library parameter whose typing says it is required but whose code takes null for "none"
 * (SyncFolderItems' ignored ids and first sync state, CreateItems' message disposition, …): what the library has
 * always been called with here, said once instead of a cast at every call.
 */
export const NOT_GIVEN = null as never;
