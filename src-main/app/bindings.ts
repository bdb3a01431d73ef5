/**
 * Each stored secret is bound to the server(s) it was entered for, so a URL typed (or sent by a compromised renderer)
 * later never receives it: the ABRA password/token to the ABRA server's origin, the Exchange password to the EWS
 * URL's origin and to Autodiscover for the address's domain, the Microsoft token cache to the Graph (or EWS) origin
 * together with the sign-in authority. A changed URL needs the secret entered again, or the user's explicit
 * confirmation in a dialog of the main process (never a renderer's word).
 *
 * The binding of a secret is a list of keys like `abra https://abra.firma.cz:8443`; it lives in the settings
 * document (no secret in it). Pure functions: the controller keeps and saves the map.
 */
import type { SecretName, SecretSource, SyncConfig } from '../sync/config';

export type Bindings = Partial<Record<SecretName, string[]>>;

export function originOf(url: string): string {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return url.trim().toLowerCase();
  }
}

export function domainOf(email: string): string {
  return email.split('@')[1]?.trim().toLowerCase() ?? '';
}

export const autodiscoverKey = (email: string) => `autodiscover ${domainOf(email)}`;

/** The key a secret must be bound to before it is used with this configuration. */
export function bindingKey(name: SecretName, cfg: SyncConfig): string {
  const x = cfg.exchange;
  switch (name) {
    case 'abraPassword':
    case 'abraToken':
      return `abra ${originOf(cfg.abra.serverUrl)}`;
    case 'exchangePassword':
      return x.ewsUrl ? `ews ${originOf(x.ewsUrl)}` : autodiscoverKey(x.email);
    case 'graphTokenCache': {
      const resource =
        x.kind === 'graph'
          ? `graph ${originOf(x.graphUrl)}`
          : x.ewsUrl
            ? `ews ${originOf(x.ewsUrl)}`
            : autodiscoverKey(x.email);
      return `${resource} via ${originOf(x.authorityUrl)}`;
    }
  }
}

/** Keys a secret entered with this configuration is bound to (the Exchange ones also to Autodiscover for the domain). */
export function bindingKeysFor(name: SecretName, cfg: SyncConfig): string[] {
  const keys = [bindingKey(name, cfg)];
  if (name === 'exchangePassword' && cfg.exchange.ewsUrl) keys.push(autodiscoverKey(cfg.exchange.email));
  return keys;
}

/** Where the secret would go, for the user: the host of the key. */
export function bindingHost(name: SecretName, cfg: SyncConfig): string {
  const key = bindingKey(name, cfg);
  const m = /^(?:\w+) (\S+)/.exec(key);
  const target = m?.[1] ?? key;
  try {
    return new URL(target).host;
  } catch {
    return target;
  }
}

export function isBound(bindings: Bindings, name: SecretName, key: string): boolean {
  return (bindings[name] ?? []).includes(key);
}

/**
 * The secrets as seen by one configuration: a secret not usable there (`usable` says, see the controller) is
 * "not stored" (get → null), so no connector ever receives it.
 */
export function boundSecrets(
  store: SecretSource,
  usable: (name: SecretName) => Promise<boolean>,
): SecretSource {
  return {
    get: async (name) => ((await usable(name)) ? store.get(name) : null),
    ...(store.set ? { set: (name: SecretName, value: string) => store.set!(name, value) } : {}),
  };
}
