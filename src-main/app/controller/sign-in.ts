/**
 * Finding and signing in to the mailbox: EWS Autodiscover (a redirect to another server only after the user
 * confirmed it in main's dialog; the stored sign-in goes only to Autodiscover for the domain it was entered for) and
 * the Microsoft 365 interactive sign-in and sign-out.
 */
import { AUTODISCOVER_CONFIRM } from '../../exchange/ews/autodiscover';
import { toSyncError } from '../../shared/errors';
import { issueText, type MessageKey } from '../../shared/messages';
import { exchangeConnectionSchema, type SecretName, type SyncConfig } from '../../sync/config';
import { autodiscoverKey, bindingKey, domainOf, isBound, originOf } from '../bindings';
import type { AppApi } from '../ipc-contract';
import { explainConnectionError } from './connection-test';
import type { Ctx } from './context';

type AutodiscoverAnswer = Awaited<ReturnType<AppApi['autodiscover']>>;

/** The EWS URL for an address, following only redirects the user confirmed (at most five). */
async function discover(
  ctx: Ctx,
  email: string,
  exchange: SyncConfig['exchange'] | null,
): Promise<string | { refused: string }> {
  const { deps, settings, log } = ctx;
  for (let round = 0; ; round++) {
    try {
      return await deps.autodiscover!(email, exchange, deps.secrets, [
        ...(settings.doc().autodiscoverHosts ?? []),
      ]);
    } catch (e) {
      const err = toSyncError(e);
      if (err.code !== AUTODISCOVER_CONFIRM || !err.detail) throw e;
      const host = err.detail;
      if (
        round >= 5 ||
        !(await ctx.bindings.ask(settings.say('autodiscover.confirmRedirect', { email, host })))
      )
        return { refused: host };
      settings.change({ autodiscoverHosts: [...(settings.doc().autodiscoverHosts ?? []), host] });
      settings.save();
      log.info(`autodiscover: the user confirmed the redirect to ${host}`);
    }
  }
}

async function autodiscover(ctx: Ctx, typed: string): Promise<AutodiscoverAnswer> {
  const { deps, settings, bindings, log } = ctx;
  const say = settings.say;
  if (!exchangeConnectionSchema.shape.email.safeParse(typed.trim()).success)
    return { ok: false, message: say('autodiscover.needsEmail') };
  const email = typed.trim();
  if (!deps.autodiscover) return { ok: false, message: say('autodiscover.unavailable') };
  const exchange = settings.effective().config?.exchange ?? null;
  const oauth = exchange?.auth === 'oauth';
  // The stored sign-in goes only to Autodiscover for the domain it was entered for.
  const secret: SecretName = oauth ? 'graphTokenCache' : 'exchangePassword';
  if (!oauth && (await deps.secrets.has(secret)) && !bindings.bindings()[secret]?.length)
    bindings.set(secret, [autodiscoverKey(email)]); // first use of a password entered with no server yet
  const forDomain = oauth
    ? !!exchange && domainOf(exchange.email) === domainOf(email)
    : isBound(bindings.bindings(), 'exchangePassword', autodiscoverKey(email));
  if ((await deps.secrets.has(secret)) && !forDomain)
    return { ok: false, message: say('autodiscover.passwordForDomain', { email }) };
  try {
    const url = await discover(ctx, email, exchange);
    if (typeof url !== 'string')
      return { ok: false, message: say('autodiscover.redirectRefused', { email, host: url.refused }) };
    // the found URL came from the user's own domain (or a server they confirmed): the sign-in may go there
    const authority = exchange ? originOf(exchange.authorityUrl) : '';
    bindings.add(secret, oauth ? `ews ${originOf(url)} via ${authority}` : `ews ${originOf(url)}`);
    settings.save();
    return { ok: true, url, message: say('autodiscover.found', { email, url }) };
  } catch (e) {
    const err = toSyncError(e);
    log.warn(`autodiscover: ${err.kind}: ${err.message}`);
    const key: MessageKey =
      err.kind === 'auth'
        ? 'autodiscover.needsPassword'
        : err.kind === 'tls'
          ? 'autodiscover.tls'
          : err.kind === 'config' || err.kind === 'notFound' || err.kind === 'unreachable'
            ? 'autodiscover.notFound'
            : 'autodiscover.failed';
    return { ok: false, message: say(key, { email, detail: err.message }) };
  }
}

export function signInCalls(ctx: Ctx): Pick<AppApi, 'autodiscover' | 'signInMicrosoft' | 'signOutMicrosoft'> {
  const { deps, settings, bindings, host, log } = ctx;
  return {
    autodiscover: (email) => autodiscover(ctx, email),

    async signInMicrosoft(input) {
      const built = settings.configForTest('exchange', input);
      if ('issues' in built)
        return {
          ok: false,
          side: 'exchange',
          kind: 'config',
          message: built.issues.map((i) => issueText(settings.locale(), i)).join('; '),
        };
      if (!deps.signInMicrosoft)
        return {
          ok: false,
          side: 'exchange',
          kind: 'config',
          message: settings.say('graph.signInUnavailable'),
        };
      try {
        const who = await deps.signInMicrosoft(built.config.exchange, deps.secrets);
        bindings.set('graphTokenCache', [bindingKey('graphTokenCache', built.config)]);
        settings.save();
        log.info('secrets: Microsoft 365 sign-in stored');
        await host.applySettings();
        host.retryProblems();
        await ctx.emitState();
        return {
          ok: true,
          side: 'exchange',
          message: settings.say('graph.signedIn', {
            who: who.name || who.username || built.config.exchange.email,
          }),
        };
      } catch (e) {
        return explainConnectionError('exchange', e, built.config, settings.locale());
      }
    },

    async signOutMicrosoft() {
      await deps.secrets.set('graphTokenCache', null);
      bindings.set('graphTokenCache', null);
      settings.save();
      log.info('secrets: Microsoft 365 sign-in removed');
      await host.applySettings();
      return ctx.publishState();
    },
  };
}
