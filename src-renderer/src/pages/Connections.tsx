import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  ConnectionSide,
  ConnectionTestResult,
  WritableSecret,
} from '../../../src-main/app/ipc-contract';
import { IssueSummary, PageHeading, Result } from '../components/common';
import { FormCtx, SelectField, TextAreaField, TextField } from '../components/form';
import { SecretField } from '../components/secret';
import { useApp } from '../lib/app-context';
import { call, errorMessage } from '../lib/bridge';
import { getIn } from '../lib/paths';
import { useSyncDraft } from '../lib/use-sync-draft';

type Typed = Partial<Record<WritableSecret, string>>;

export function ConnectionsPage() {
  const { t } = useTranslation();
  const { state, setState, announce, isLocked } = useApp();
  const { draft, draftRef, set, save, saving, issues, form } = useSyncDraft();
  const [typed, setTyped] = useState<Typed>({});
  const [tests, setTests] = useState<Partial<Record<ConnectionSide, ConnectionTestResult>>>({});
  // a test per side at a time; the two sides do not block each other, and a running test can be cancelled (main
  // aborts its requests; it gives up on its own after 15 s)
  const [testing, setTesting] = useState<Partial<Record<ConnectionSide, number>>>({});
  const testRun = useRef(0);
  const [discover, setDiscover] = useState<{ ok: boolean; message: string } | null>(null);
  const [signingIn, setSigningIn] = useState(false);

  const authMode = getIn(draft, 'abra.authMode') === 'token' ? 'token' : 'password';
  const kind = getIn(draft, 'exchange.kind') === 'graph' ? 'graph' : 'ews';
  const auth = String(getIn(draft, 'exchange.auth') ?? 'basic');
  const oauth = kind === 'graph' || auth === 'oauth';

  /** Store what was typed into the secret fields (and clear them: they are write-only). */
  const storeTyped = async (only?: WritableSecret[]) => {
    let last = state;
    const left: Typed = { ...typed };
    for (const [name, value] of Object.entries(typed) as [WritableSecret, string][]) {
      if (!value || (only && !only.includes(name))) continue;
      // bound to the server typed in this form: a URL changed later does not receive it
      last = await call('setSecret', name, value, draftRef.current);
      delete left[name];
    }
    setTyped(left);
    if (last !== state) setState(last);
  };

  const forget = async (name: WritableSecret) => {
    try {
      setState(await call('setSecret', name, null));
      announce(t('secret.forgotten'));
    } catch (e) {
      announce(errorMessage(e));
    }
  };

  const current = useRef<Partial<Record<ConnectionSide, number>>>({});
  const test = async (side: ConnectionSide) => {
    const run = ++testRun.current;
    current.current[side] = run;
    setTesting((x) => ({ ...x, [side]: run }));
    setTests((x) => ({ ...x, [side]: undefined }));
    const mine = () => current.current[side] === run;
    try {
      await storeTyped(side === 'abra' ? ['abraPassword', 'abraToken'] : ['exchangePassword']);
      const r = await call('testConnection', side, draftRef.current);
      if (!mine()) return;
      setTests((x) => ({ ...x, [side]: r }));
      announce(r.message);
    } catch (e) {
      if (!mine()) return;
      const r = { ok: false, side, message: errorMessage(e) };
      setTests((x) => ({ ...x, [side]: r }));
      announce(r.message);
    } finally {
      if (mine()) {
        current.current[side] = undefined;
        setTesting((x) => ({ ...x, [side]: undefined }));
      }
    }
  };
  const cancelTest = (side: ConnectionSide) => {
    current.current[side] = undefined;
    setTesting((x) => ({ ...x, [side]: undefined }));
    announce(t('connections.testCancelled'));
    // main aborts the test's requests (the socket is closed), so the next test starts at once
    call('cancelTest', side).catch(() => undefined);
  };

  const autodiscover = async () => {
    const email = String(getIn(draftRef.current, 'exchange.email') ?? '').trim();
    setDiscover(null);
    try {
      await storeTyped(['exchangePassword']);
      const r = await call('autodiscover', email);
      setDiscover(r);
      if (r.ok && r.url) set('exchange.ewsUrl', r.url);
      announce(r.message);
    } catch (e) {
      setDiscover({ ok: false, message: errorMessage(e) });
    }
  };

  const signIn = async () => {
    setSigningIn(true);
    try {
      const r = await call('signInMicrosoft', draftRef.current);
      setTests((x) => ({ ...x, exchange: r }));
      announce(r.message);
      setState(await call('getState'));
    } catch (e) {
      setTests((x) => ({ ...x, exchange: { ok: false, side: 'exchange', message: errorMessage(e) } }));
    } finally {
      setSigningIn(false);
    }
  };

  const signOut = async () => {
    try {
      setState(await call('signOutMicrosoft'));
    } catch (e) {
      announce(errorMessage(e));
    }
  };

  const onSave = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      await storeTyped();
    } catch (err) {
      announce(errorMessage(err));
      return;
    }
    await save();
  };

  const secretProps = (name: WritableSecret) => ({
    name,
    stored: state.secrets[name],
    value: typed[name] ?? '',
    onChange: (v: string) => setTyped((x) => ({ ...x, [name]: v })),
    onForget: () => forget(name),
  });

  return (
    <FormCtx.Provider value={form}>
      <form className="page" onSubmit={onSave} noValidate>
        <PageHeading>{t('nav.connections')}</PageHeading>
        <IssueSummary issues={issues} />
        <section className="card" aria-labelledby="abra-heading">
          <h2 id="abra-heading">{t('connections.abra')}</h2>
          <TextField
            path="abra.serverUrl"
            label={t('connections.serverUrl')}
            placeholder="https://abra.firma.cz:8443"
            hint={t('connections.serverUrlHint')}
          />
          <TextField
            path="abra.connection"
            label={t('connections.connectionName')}
            hint={t('connections.connectionNameHint')}
          />
          <TextField path="abra.login" label={t('connections.login')} autoComplete="username" />
          <SelectField
            path="abra.authMode"
            label={t('connections.authMode')}
            options={[
              { value: 'password', label: t('connections.authPassword') },
              { value: 'token', label: t('connections.authToken') },
            ]}
          />
          {authMode === 'password' ? (
            <SecretField
              {...secretProps('abraPassword')}
              label={t('connections.password')}
              disabled={isLocked('secrets.abraPassword')}
            />
          ) : (
            <SecretField
              {...secretProps('abraToken')}
              label={t('connections.token')}
              disabled={isLocked('secrets.abraToken')}
            />
          )}
          <details>
            <summary>{t('connections.tlsAdvanced')}</summary>
            <TextAreaField
              path="abra.caCertificate"
              label={t('connections.caCertificate')}
              hint={t('connections.caCertificateHint')}
              rows={4}
            />
            <TextField
              path="abra.fingerprint256"
              label={t('connections.fingerprint')}
              hint={t('connections.fingerprintHint')}
            />
          </details>
          <div className="actions">
            <button type="button" onClick={() => test('abra')} disabled={testing.abra !== undefined}>
              {testing.abra !== undefined ? t('connections.testing') : t('connections.test')}
            </button>
            {testing.abra !== undefined && (
              <button type="button" onClick={() => cancelTest('abra')}>
                {t('common.cancel')}
              </button>
            )}
          </div>
          {tests.abra && (
            <Result ok={tests.abra.ok}>
              {tests.abra.message}
              {tests.abra.kind && !tests.abra.ok && (
                <span className="kind"> ({t(`kind.${tests.abra.kind}`, tests.abra.kind)})</span>
              )}
            </Result>
          )}
        </section>

        <section className="card" aria-labelledby="exchange-heading">
          <h2 id="exchange-heading">{t('connections.exchange')}</h2>
          <TextField path="exchange.email" type="email" label={t('connections.email')} autoComplete="email" />
          <SelectField
            path="exchange.kind"
            label={t('connections.serverType')}
            options={[
              { value: 'ews', label: t('connections.kindEws') },
              { value: 'graph', label: t('connections.kindGraph') },
            ]}
          />
          {kind === 'ews' && (
            <>
              <div className="row row-end">
                <TextField
                  path="exchange.ewsUrl"
                  label={t('connections.ewsUrl')}
                  placeholder="https://mail.firma.cz/EWS/Exchange.asmx"
                  hint={t('connections.ewsUrlHint')}
                />
                <button
                  type="button"
                  onClick={autodiscover}
                  disabled={isLocked('sync.exchange.ewsUrl')}
                  className="inline-button"
                >
                  {t('connections.autodiscover')}
                </button>
              </div>
              {discover && <Result ok={discover.ok}>{discover.message}</Result>}
              <SelectField
                path="exchange.auth"
                label={t('connections.exAuth')}
                options={[
                  { value: 'basic', label: t('connections.authBasic') },
                  { value: 'ntlm', label: t('connections.authNtlm') },
                  { value: 'oauth', label: t('connections.authOauth') },
                ]}
              />
            </>
          )}
          {!oauth && (
            <>
              <TextField
                path="exchange.user"
                label={t('connections.exUser')}
                hint={t('connections.exUserHint')}
                autoComplete="username"
              />
              {auth === 'ntlm' && <TextField path="exchange.domain" label={t('connections.exDomain')} />}
              <SecretField
                {...secretProps('exchangePassword')}
                label={t('connections.password')}
                disabled={isLocked('secrets.exchangePassword')}
              />
            </>
          )}
          {oauth && (
            <>
              <TextField path="exchange.tenantId" label={t('connections.tenantId')} />
              <TextField
                path="exchange.clientId"
                label={t('connections.clientId')}
                hint={t('connections.clientIdHint')}
              />
              <div className="row">
                <span className={`badge ${state.secrets.microsoftSignedIn ? 'badge-ok' : 'badge-muted'}`}>
                  {state.secrets.microsoftSignedIn ? t('connections.signedIn') : t('connections.notSignedIn')}
                </span>
                <button type="button" onClick={signIn} disabled={signingIn}>
                  {t('connections.signIn')}
                </button>
                {state.secrets.microsoftSignedIn && (
                  <button type="button" onClick={signOut}>
                    {t('connections.signOut')}
                  </button>
                )}
              </div>
            </>
          )}
          <div className="actions">
            <button type="button" onClick={() => test('exchange')} disabled={testing.exchange !== undefined}>
              {testing.exchange !== undefined ? t('connections.testing') : t('connections.test')}
            </button>
            {testing.exchange !== undefined && (
              <button type="button" onClick={() => cancelTest('exchange')}>
                {t('common.cancel')}
              </button>
            )}
          </div>
          {tests.exchange && (
            <Result ok={tests.exchange.ok}>
              {tests.exchange.message}
              {tests.exchange.kind && !tests.exchange.ok && (
                <span className="kind"> ({t(`kind.${tests.exchange.kind}`, tests.exchange.kind)})</span>
              )}
            </Result>
          )}
        </section>
        <div className="toolbar sticky">
          <button type="submit" className="primary" disabled={saving}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </FormCtx.Provider>
  );
}
