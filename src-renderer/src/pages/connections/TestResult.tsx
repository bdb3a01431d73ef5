import { useTranslation } from 'react-i18next';
import type { ConnectionSide } from '../../../../src-main/app/ipc-contract';
import { Result } from '../../components/common';
import type { ConnectionTests } from './use-tests';

/** Cancel the side's running test (shown only while one runs). */
export function CancelTest({ side, tests }: { side: ConnectionSide; tests: ConnectionTests }) {
  const { t } = useTranslation();
  if (tests.testing[side] === undefined) return null;
  return (
    <button type="button" onClick={() => tests.cancelTest(side)}>
      {t('common.cancel')}
    </button>
  );
}

/** The side's last test result, with the kind of failure. */
export function TestResult({ side, tests }: { side: ConnectionSide; tests: ConnectionTests }) {
  const { t } = useTranslation();
  const r = tests.tests[side];
  if (!r) return null;
  return (
    <Result ok={r.ok}>
      {r.message}
      {r.kind && !r.ok && r.kind !== 'cancelled' && (
        <span className="kind"> ({t(`kind.${r.kind}`, r.kind)})</span>
      )}
    </Result>
  );
}
