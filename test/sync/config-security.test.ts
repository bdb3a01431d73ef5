/**
 * Configuration refuses what would put credentials in clear text or a state file outside the data folder (security
 * review, tls-pin and renderer-exfil probes): ABRA, EWS and Graph URLs over http:// only on loopback (tests, demo),
 * with a sentence that says why, in the user's language; a profile name is a plain file name.
 */
import { describe, expect, it } from 'vitest';
import { syncConfigSchema, validateWith } from '../../src-main/sync/config';

const base = {
  abra: { serverUrl: 'https://abra.firma.cz:8443', connection: 'firma', login: 'api' },
  exchange: { kind: 'ews', email: 'jan@firma.cz', ewsUrl: 'https://mail.firma.cz/EWS/Exchange.asmx' },
};
const issues = (over: Record<string, unknown>, locale: 'en' | 'cs' = 'en') => {
  const r = validateWith(syncConfigSchema, { ...base, ...over }, locale);
  return r.ok ? {} : Object.fromEntries(r.issues.map((i) => [i.path, i.message]));
};

describe('clear-text credentials are refused', () => {
  it('ABRA over http:// (Basic with every call) is refused, saying why', () => {
    const said = issues({ abra: { ...base.abra, serverUrl: 'http://abra.firma.cz:80' } });
    expect(said['abra.serverUrl']).toMatch(
      /^must start with https:\/\/ — over http:\/\/ the ABRA password or token/,
    );
    expect(
      issues({ abra: { ...base.abra, serverUrl: 'http://abra.firma.cz' } }, 'cs')['abra.serverUrl'],
    ).toMatch(/^musí začínat https:\/\//);
  });
  it('a Graph URL or authority over http:// (bearer token) and an EWS URL over http:// are refused', () => {
    const said = issues({
      exchange: {
        kind: 'graph',
        email: 'jan@firma.cz',
        graphUrl: 'http://graph.evil.example/v1.0',
        authorityUrl: 'http://login.evil.example',
      },
    });
    expect(said['exchange.graphUrl']).toMatch(/Microsoft access token/);
    expect(said['exchange.authorityUrl']).toMatch(/Microsoft access token/);
    expect(
      issues({ exchange: { ...base.exchange, ewsUrl: 'http://mail.firma.cz/EWS/Exchange.asmx' } })[
        'exchange.ewsUrl'
      ],
    ).toMatch(/Exchange sign-in/);
  });
  it('loopback http:// stays allowed (emulators, demo) and https:// anywhere', () => {
    expect(issues({ abra: { ...base.abra, serverUrl: 'http://127.0.0.1:9000' } })).toEqual({});
    expect(
      issues({ exchange: { kind: 'graph', email: 'jan@firma.cz', graphUrl: 'http://localhost:4000/v1.0' } }),
    ).toEqual({});
    expect(issues({})).toEqual({});
  });
});

describe('the profile name names a file inside the data folder', () => {
  it.each(['../../x', '..', 'a/b', 'a\\b', '/etc/x', 'C:x', '.hidden'])('%s is refused', (profile) => {
    expect(issues({ profile }).profile).toMatch(/letters, digits/);
  });
  it.each(['default', 'firma-2', 'jan.novak', 'A_1'])('%s is fine', (profile) => {
    expect(issues({ profile })).toEqual({});
  });
});
