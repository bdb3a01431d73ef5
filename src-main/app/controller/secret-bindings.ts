/**
 * Secrets are write-only (the state only says whether one is stored) and each is bound to the servers it was
 * entered for (../bindings.ts): a secret goes only where the user typed it for, or where they confirmed in main's
 * own dialog that it may follow a changed server.
 */
import type { MessageKey } from '../../shared/messages';
import type { SecretName, SyncConfig } from '../../sync/config';
import { type Bindings, bindingHost, bindingKey, bindingKeysFor, boundSecrets, isBound } from '../bindings';
import type { AppApi, WritableSecret } from '../ipc-contract';
import type { Logger } from '../log';
import { describeSecret, SECRET_NAMES } from '../secrets';
import type { Ctx } from './context';
import type { ControllerDeps } from './deps';
import type { SecretBindings, SettingsState } from './handles';

export type { SecretBindings } from './handles';

/** Which secrets a configuration needs, and the sentence for each that is missing. */
export function secretNeeds(cfg: SyncConfig): { name: SecretName; missing: MessageKey }[] {
  const out: { name: SecretName; missing: MessageKey }[] = [];
  if (cfg.abra.authMode === 'token') out.push({ name: 'abraToken', missing: 'setup.missing.abraToken' });
  else out.push({ name: 'abraPassword', missing: 'setup.missing.abraPassword' });
  if (cfg.exchange.kind === 'graph' || cfg.exchange.auth === 'oauth')
    out.push({ name: 'graphTokenCache', missing: 'setup.missing.microsoft' });
  else out.push({ name: 'exchangePassword', missing: 'setup.missing.exchangePassword' });
  return out;
}

export function createSecretBindings(
  deps: ControllerDeps,
  settings: SettingsState,
  log: Logger,
): SecretBindings {
  const bindings = (): Bindings => settings.doc().bindings ?? {};
  const set = (name: SecretName, keys: string[] | null) => {
    const b = { ...bindings() };
    if (keys === null) delete b[name];
    else b[name] = [...new Set(keys)];
    settings.change({ bindings: b });
  };
  const add = (name: SecretName, key: string) => set(name, [...(bindings()[name] ?? []), key]);
  const usable = async (name: SecretName, cfg: SyncConfig): Promise<boolean> => {
    if (!(await deps.secrets.has(name))) return false;
    if (!bindings()[name]?.length) {
      set(name, bindingKeysFor(name, cfg));
      settings.save();
      return true;
    }
    return isBound(bindings(), name, bindingKey(name, cfg));
  };
  const label = (name: SecretName) => settings.say(`secretName.${name}`);
  const ask = async (message: string): Promise<boolean> => {
    if (!deps.confirm) return false;
    try {
      return await deps.confirm({
        message,
        yes: settings.say('confirm.yes'),
        no: settings.say('confirm.no'),
      });
    } catch {
      return false;
    }
  };

  return {
    bindings,
    set,
    add,
    usable,
    async missingSecrets(cfg) {
      const out: string[] = [];
      for (const n of secretNeeds(cfg)) if (!(await usable(n.name, cfg))) out.push(settings.say(n.missing));
      return out;
    },
    forConfig: (cfg) => boundSecrets(deps.secrets, (name) => usable(name, cfg)),
    engineSecrets: boundSecrets(deps.secrets, async (name) => {
      const cfg = settings.effective().config;
      return cfg !== null && usable(name, cfg);
    }),
    label,
    ask,
    async followServers(cfg) {
      for (const name of SECRET_NAMES) {
        if (!(await deps.secrets.has(name))) continue;
        const key = bindingKey(name, cfg);
        if (!bindings()[name]?.length) set(name, bindingKeysFor(name, cfg));
        else if (
          !isBound(bindings(), name, key) &&
          secretNeeds(cfg).some((n) => n.name === name) &&
          (await ask(
            settings.say('secrets.confirmNewServer', { secret: label(name), host: bindingHost(name, cfg) }),
          ))
        ) {
          add(name, key);
          log.info(`secrets: ${describeSecret(name)} confirmed for ${bindingHost(name, cfg)}`);
        }
      }
    },
    async bindUnbound(saved) {
      let changed = false;
      for (const name of SECRET_NAMES)
        if (!settings.doc().bindings?.[name] && (await deps.secrets.has(name))) {
          set(name, bindingKeysFor(name, saved));
          changed = true;
        }
      if (changed) settings.save();
    },
  };
}

export function secretCalls(ctx: Ctx): Pick<AppApi, 'setSecret'> {
  const { deps, settings, bindings, log } = ctx;
  return {
    async setSecret(name: WritableSecret, value, forInput?: unknown) {
      await deps.secrets.set(name, value);
      if (value === null) bindings.set(name, null);
      else {
        // bound to the server of the form it was typed in (else the saved one; else the next save)
        const drafted =
          forInput === undefined
            ? null
            : settings.configForTest(name === 'exchangePassword' ? 'exchange' : 'abra', forInput);
        const cfg = drafted && 'config' in drafted ? drafted.config : settings.effective().config;
        bindings.set(name, cfg ? bindingKeysFor(name, cfg) : []);
      }
      settings.save();
      log.info(`secrets: ${describeSecret(name)} ${value === null ? 'removed' : 'stored'}`);
      await ctx.host.applySettings();
      if (value !== null) ctx.host.retryProblems();
      return ctx.publishState();
    },
  };
}
