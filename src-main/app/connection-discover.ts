/**
 * "Test / find settings" for the mailbox (Connections page, issue #18 item 8; CalDav Synchronizer's single "Test or
 * discover settings" is the model): from the e-mail address and the password alone
 * 1. finds the EWS URL by Autodiscover when none is set (the controller's autodiscover, with its confirmation of a
 *    redirect to another host);
 * 2. asks the server which sign-in methods it offers, without credentials (exchange/ews/auth-probe.ts), and picks
 *    NTLM, else Basic, else Microsoft 365 sign-in — unless the admin's policy fixed the method;
 * 3. tests the connection with what was found (the ordinary, cancellable connection test).
 * What it found goes back to the page, which puts it into the form (saved with the page's Save).
 */
import { chooseEwsAuth, type EwsAuth, type EwsAuthOffer } from '../exchange/ews/auth-probe';
import type { MessageKey, MessageParams } from '../shared/messages';
import type { ConnectionTestResult, DiscoverResult } from './ipc-contract';

export interface DiscoverDeps {
  autodiscover(email: string): Promise<{ ok: boolean; url?: string; message: string }>;
  probe(ewsUrl: string, caCertificate: string | undefined): Promise<EwsAuthOffer>;
  test(input: unknown): Promise<ConnectionTestResult>;
  say(key: MessageKey, params?: MessageParams): string;
  /** Is this dotted path locked by the admin's policy (`sync.exchange.auth`)? */
  locked(path: string): boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function discoverAndTest(input: unknown, d: DiscoverDeps): Promise<DiscoverResult> {
  const draft = isObj(input) ? input : {};
  const exchange: Obj = isObj(draft.exchange) ? { ...draft.exchange } : {};
  const steps: string[] = [];
  const found: DiscoverResult['found'] = {};
  const kind = exchange.kind === 'graph' ? 'graph' : 'ews';
  const withExchange = () => ({ ...draft, exchange });
  const fail = (r: ConnectionTestResult): DiscoverResult => ({ ...r, steps, found });

  if (kind === 'ews' && exchange.auth !== 'oauth') {
    const email = String(exchange.email ?? '').trim();
    if (!String(exchange.ewsUrl ?? '').trim() && !d.locked('sync.exchange.ewsUrl')) {
      const a = await d.autodiscover(email);
      if (!a.ok || !a.url) return fail({ ok: false, side: 'exchange', kind: 'notFound', message: a.message });
      steps.push(a.message);
      exchange.ewsUrl = a.url;
      found.ewsUrl = a.url;
    }
    const url = String(exchange.ewsUrl ?? '');
    if (url && !d.locked('sync.exchange.auth')) {
      let chosen: EwsAuth | null = null;
      try {
        const offer = await d.probe(
          url,
          typeof exchange.caCertificate === 'string' && exchange.caCertificate.trim()
            ? exchange.caCertificate
            : undefined,
        );
        chosen = offer.status === 401 ? chooseEwsAuth(offer.offered) : null;
      } catch {
        // the test below says what is wrong with the server (unreachable, certificate, …)
      }
      if (chosen && chosen !== exchange.auth) {
        exchange.auth = chosen;
        found.auth = chosen;
      }
      if (chosen) steps.push(d.say(`discover.auth.${chosen}`));
      if (chosen === 'oauth')
        return {
          ok: false,
          side: 'exchange',
          kind: 'auth',
          message: d.say('discover.signInMicrosoft'),
          steps,
          found,
        };
    }
  }
  const r = await d.test(withExchange());
  return { ...r, steps, found };
}
