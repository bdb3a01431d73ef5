import { useTranslation } from 'react-i18next';
import { SelectField, TextAreaField, TextField } from '../../components/form';
import { SecretField } from '../../components/secret';
import { useApp } from '../../lib/app-context';
import { getIn } from '../../lib/paths';
import { CancelTest, TestResult } from './TestResult';
import type { AdminOpen } from './use-admin-open';
import type { TypedSecrets } from './use-secrets';
import type { ConnectionTests } from './use-tests';

/** ABRA Gen: the user's login and password (or token), the test; the server's address etc. for administrators. */
export function AbraCard({
  draft,
  secrets,
  tests,
  admin,
}: {
  draft: unknown;
  secrets: TypedSecrets;
  tests: ConnectionTests;
  admin: AdminOpen;
}) {
  const { t } = useTranslation();
  const { isLocked } = useApp();
  const authMode = getIn(draft, 'abra.authMode') === 'token' ? 'token' : 'password';
  const { secretProps } = secrets;
  return (
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
        <button type="button" onClick={() => tests.test('abra')} disabled={tests.testing.abra !== undefined}>
          {tests.testing.abra !== undefined ? t('connections.testing') : t('connections.test')}
        </button>
        <CancelTest side="abra" tests={tests} />
      </div>
      <TestResult side="abra" tests={tests} />
      <details open={admin.adminOpen.abra} onToggle={admin.toggle('abra')}>
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
  );
}
