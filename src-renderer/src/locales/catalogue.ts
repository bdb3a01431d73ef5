/**
 * The renderer's translations: its own sentences (cs.json, en.json) and the words it shares with main — the part
 * names and the settings' field labels, which main also says (tray, notifications, settings issues). Those live once,
 * in main's catalogue (src-main/shared/messages/), reached through the IPC contract; the bundle already holds that
 * catalogue for the engine's notes (`noteText`), so taking them from it adds nothing to it.
 */
import { type Locale, type MessageKey, tr } from '../../../src-main/app/ipc-contract';
import cs from './cs.json';
import en from './en.json';

/** Renderer key → main's key, for every word both say. */
export const FROM_MAIN = {
  'nav.mail': 'field.parts.mail',
  'parts.addressBook': 'field.parts.addressBook',
  'parts.calendar': 'field.parts.calendar',
  'parts.tasks': 'field.parts.tasks',
  'parts.mail': 'field.parts.mail',
  'connections.serverUrl': 'field.abra.serverUrl',
  'connections.connectionName': 'field.abra.connection',
  'connections.login': 'field.abra.login',
  'connections.authMode': 'field.abra.authMode',
  'connections.caCertificate': 'field.abra.caCertificate',
  'connections.fingerprint': 'field.abra.fingerprint256',
  'connections.email': 'field.exchange.email',
  'connections.serverType': 'field.exchange.kind',
  'connections.ewsUrl': 'field.exchange.ewsUrl',
  'connections.exAuth': 'field.exchange.auth',
  'connections.exUser': 'field.exchange.user',
  'connections.exDomain': 'field.exchange.domain',
  'connections.tenantId': 'field.exchange.tenantId',
  'connections.clientId': 'field.exchange.clientId',
  'connections.exCaCertificate': 'field.exchange.caCertificate',
  'connections.testCancelled': 'connections.testCancelled',
} as const satisfies Record<string, MessageKey>;

type Tree = { [key: string]: string | Tree };

/** The language's translations: its JSON with main's shared words put in at their keys. */
export function catalogue(locale: Locale): Tree {
  const out = structuredClone(locale === 'cs' ? cs : en) as Tree;
  for (const [key, mainKey] of Object.entries(FROM_MAIN)) {
    const [group, name] = key.split('.') as [string, string];
    const node = (out[group] ?? {}) as Tree;
    node[name] = tr(locale, mainKey);
    out[group] = node;
  }
  return out;
}
