import { type RefObject, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Result } from '../../components/common';
import { SelectField, TextAreaField, TextField } from '../../components/form';
import { SecretField } from '../../components/secret';
import { useApp } from '../../lib/app-context';
import { call, errorMessage } from '../../lib/bridge';
import { getIn } from '../../lib/paths';
import { CancelTest, TestResult } from './TestResult';
import type { AdminOpen } from './use-admin-open';
import type { TypedSecrets } from './use-secrets';
import type { ConnectionTests } from './use-tests';

/** What the Exchange card's parts share. */
interface ExchangeProps {
  draft: unknown;
  draftRef: RefObject<unknown>;
  set: (path: string, value: unknown) => void;
  secrets: TypedSecrets;
  tests: ConnectionTests;
}

/** The Exchange sides' sign-in method as the draft says it: EWS or Graph, basic/NTLM or OAuth. */
function exchangeAuth(draft: unknown) {
  const kind = getIn(draft, 'exchange.kind') === 'graph' ? 'graph' : 'ews';
  const auth = String(getIn(draft, 'exchange.auth') ?? 'basic');
  return { kind, auth, oauth: kind === 'graph' || auth === 'oauth' };
}

/** Microsoft sign-in (OAuth): signed in or not, sign in, sign out. */
function MicrosoftSignIn({
  draftRef,
  tests,
  signingIn: [signingIn, setSigningIn],
}: Pick<ExchangeProps, 'draftRef' | 'tests'> & { signingIn: [boolean, (v: boolean) => void] }) {
  const { t } = useTranslation();
  const { state, setState, announce } = useApp();
  const signIn = async () => {
    setSigningIn(true);
    try {
      const r = await call('signInMicrosoft', draftRef.current);
      tests.show('exchange', r);
      announce(r.message);
      setState(await call('getState'));
    } catch (e) {
      tests.show('exchange', { ok: false, side: 'exchange', message: errorMessage(e) });
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
  return (
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
  );
}

/** The EWS address with its Autodiscover button, and the sign-in method. */
type Discovered = { ok: boolean; message: string } | null;

function EwsServer({
  draftRef,
  set,
  secrets,
  discovered: [discover, setDiscover],
}: Pick<ExchangeProps, 'draftRef' | 'set' | 'secrets'> & {
  discovered: [Discovered, (d: Discovered) => void];
}) {
  const { t } = useTranslation();
  const { announce, isLocked } = useApp();
  const autodiscover = async () => {
    const email = String(getIn(draftRef.current, 'exchange.email') ?? '').trim();
    setDiscover(null);
    try {
      await secrets.storeTyped(['exchangePassword']);
      const r = await call('autodiscover', email);
      setDiscover(r);
      if (r.ok && r.url) set('exchange.ewsUrl', r.url);
      announce(r.message);
    } catch (e) {
      setDiscover({ ok: false, message: errorMessage(e) });
    }
  };
  return (
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
  );
}

/** "For administrators" of the Exchange card: server type, address, sign-in method, user, app ids, certificate. */
function ExchangeAdmin({ admin, ...p }: ExchangeProps & { admin: AdminOpen }) {
  const { t } = useTranslation();
  const { kind, auth, oauth } = exchangeAuth(p.draft);
  // kept here, not in EwsServer: the last Autodiscover result stays when the server type goes and comes back
  const discovered = useState<Discovered>(null);
  return (
    <details open={admin.adminOpen.exchange} onToggle={admin.toggle('exchange')}>
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
        <EwsServer draftRef={p.draftRef} set={p.set} secrets={p.secrets} discovered={discovered} />
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
          onClick={() => p.tests.test('exchange')}
          disabled={p.tests.testing.exchange !== undefined}
        >
          {t('connections.testOnly')}
        </button>
      </div>
    </details>
  );
}

/** Exchange: e-mail and password (or the Microsoft sign-in), "find the settings and test", the admin's details. */
export function ExchangeCard(props: ExchangeProps & { admin: AdminOpen }) {
  const { t } = useTranslation();
  const { isLocked } = useApp();
  const { tests, secrets } = props;
  const { oauth } = exchangeAuth(props.draft);
  // kept here: a sign-in under way stays shown when the sign-in method goes and comes back
  const signingIn = useState(false);
  return (
    <section className="card" aria-labelledby="exchange-heading">
      <h2 id="exchange-heading">{t('connections.exchange')}</h2>
      <p className="hint">{t('connections.quickIntro')}</p>
      <TextField path="exchange.email" type="email" label={t('connections.email')} autoComplete="email" />
      {!oauth && (
        <SecretField
          {...secrets.secretProps('exchangePassword')}
          label={t('connections.password')}
          disabled={isLocked('secrets.exchangePassword')}
        />
      )}
      {oauth && <MicrosoftSignIn draftRef={props.draftRef} tests={tests} signingIn={signingIn} />}
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={tests.discoverAndTest}
          disabled={tests.testing.exchange !== undefined}
        >
          {tests.testing.exchange !== undefined ? t('connections.testing') : t('connections.discoverAndTest')}
        </button>
        <CancelTest side="exchange" tests={tests} />
      </div>
      {tests.steps.length > 0 && (
        <ul className="steps" aria-label={t('connections.foundSettings')}>
          {tests.steps.map((x) => (
            <li key={x}>{x}</li>
          ))}
        </ul>
      )}
      <TestResult side="exchange" tests={tests} />
      <ExchangeAdmin {...props} />
    </section>
  );
}
