import { useEffect, useRef, useState } from 'react';
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

/** The fields under "For administrators" (an error in one of them opens the section). */
const ADMIN_FIELDS = {
  abra: ['abra.serverUrl', 'abra.connection', 'abra.authMode', 'abra.caCertificate', 'abra.fingerprint256'],
  exchange: [
    'exchange.kind',
    'exchange.ewsUrl',
    'exchange.auth',
    'exchange.user',
    'exchange.domain',
    'exchange.tenantId',
    'exchange.clientId',
    'exchange.caCertificate',
  ],
};

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
  const [steps, setSteps] = useState<string[]>([]);
  // "For administrators": open where something must be filled in that only an admin knows (no ABRA server yet), or
  // where a field there has an error; the user may open and close it
  const [adminOpen, setAdminOpen] = useState(() => ({
    abra: !getIn(draftRef.current, 'abra.serverUrl'),
    exchange: false,
  }));
  useEffect(() => {
    const paths = issues.map((i) => i.path.replace(/^sync\./, ''));
    const abra = paths.some((p) => ADMIN_FIELDS.abra.includes(p));
    const exchange = paths.some((p) => ADMIN_FIELDS.exchange.includes(p));
    if (abra || exchange) setAdminOpen((x) => ({ abra: x.abra || abra, exchange: x.exchange || exchange }));
  }, [issues]);
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
  /** E-mail + password: Autodiscover, the server's sign-in method, then the test (main's discoverExchange). */
  const discoverAndTest = async () => {
    const run = ++testRun.current;
    current.current.exchange = run;
    setTesting((x) => ({ ...x, exchange: run }));
    setTests((x) => ({ ...x, exchange: undefined }));
    setSteps([]);
    const mine = () => current.current.exchange === run;
    try {
      await storeTyped(['exchangePassword']);
      const r = await call('discoverExchange', draftRef.current);
      if (!mine()) return;
      if (r.found.ewsUrl) set('exchange.ewsUrl', r.found.ewsUrl);
      if (r.found.auth) set('exchange.auth', r.found.auth);
      setSteps(r.steps);
      const { steps: _s, found: _f, ...result } = r;
      setTests((x) => ({ ...x, exchange: result }));
      announce([...r.steps, r.message].join(' '));
    } catch (e) {
      if (!mine()) return;
      const r = { ok: false, side: 'exchange' as const, message: errorMessage(e) };
      setTests((x) => ({ ...x, exchange: r }));
      announce(r.message);
    } finally {
      if (mine()) {
        current.current.exchange = undefined;
        setTesting((x) => ({ ...x, exchange: undefined }));
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

  const testButtons = (side: ConnectionSide) =>
    testing[side] !== undefined && (
      <button type="button" onClick={() => cancelTest(side)}>
        {t('common.cancel')}
      </button>
    );
  const testResult = (side: ConnectionSide) => {
    const r = tests[side];
    return (
      r && (
        <Result ok={r.ok}>
          {r.message}
          {r.kind && !r.ok && r.kind !== 'cancelled' && (
            <span className="kind"> ({t(`kind.${r.kind}`, r.kind)})</span>
          )}
        </Result>
      )
    );
  };
  const toggle = (which: 'abra' | 'exchange') => (e: React.SyntheticEvent<HTMLDetailsElement>) => {
    const open = e.currentTarget.open;
    setAdminOpen((x) => (x[which] === open ? x : { ...x, [which]: open }));
  };

  return (
    <FormCtx.Provider value={form}>
      <form className="page" onSubmit={onSave} noValidate>
        <PageHeading>{t('nav.connections')}</PageHeading>
        <IssueSummary issues={issues} />
        <section className="card" aria-labelledby="exchange-heading">
          <h2 id="exchange-heading">{t('connections.exchange')}</h2>
          <p className="hint">{t('connections.quickIntro')}</p>
          <TextField path="exchange.email" type="email" label={t('connections.email')} autoComplete="email" />
          {!oauth && (
            <SecretField
              {...secretProps('exchangePassword')}
              label={t('connections.password')}
              disabled={isLocked('secrets.exchangePassword')}
            />
          )}
          {oauth && (
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
          )}
          <div className="actions">
            <button
              type="button"
              className="primary"
              onClick={discoverAndTest}
              disabled={testing.exchange !== undefined}
            >
              {testing.exchange !== undefined ? t('connections.testing') : t('connections.discoverAndTest')}
            </button>
            {testButtons('exchange')}
          </div>
          {steps.length > 0 && (
            <ul className="steps" aria-label={t('connections.foundSettings')}>
              {steps.map((x) => (
                <li key={x}>{x}</li>
              ))}
            </ul>
          )}
          {testResult('exchange')}
          <details open={adminOpen.exchange} onToggle={toggle('exchange')}>
            <summary>{t('connections.forAdmins')}</summary>
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
              </>
            )}
            <TextAreaField
              path="exchange.caCertificate"
              label={t('connections.exCaCertificate')}
              hint={t('connections.exCaCertificateHint')}
              rows={4}
            />
            <div className="actions">
              <button
                type="button"
                onClick={() => test('exchange')}
                disabled={testing.exchange !== undefined}
              >
                {t('connections.testOnly')}
              </button>
            </div>
          </details>
        </section>

        <section className="card" aria-labelledby="abra-heading">
          <h2 id="abra-heading">{t('connections.abra')}</h2>
          <TextField path="abra.login" label={t('connections.login')} autoComplete="username" />
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
          <div className="actions">
            <button type="button" onClick={() => test('abra')} disabled={testing.abra !== undefined}>
              {testing.abra !== undefined ? t('connections.testing') : t('connections.test')}
            </button>
            {testButtons('abra')}
          </div>
          {testResult('abra')}
          <details open={adminOpen.abra} onToggle={toggle('abra')}>
            <summary>{t('connections.forAdmins')}</summary>
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
            <SelectField
              path="abra.authMode"
              label={t('connections.authMode')}
              options={[
                { value: 'password', label: t('connections.authPassword') },
                { value: 'token', label: t('connections.authToken') },
              ]}
            />
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
