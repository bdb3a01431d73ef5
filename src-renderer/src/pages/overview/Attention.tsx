import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeleteReason, PartStatus } from '../../../../src-main/app/ipc-contract';
import { useApp } from '../../lib/app-context';
import { call, errorMessage } from '../../lib/bridge';
import { useSaid } from '../../lib/said';

/**
 * What a part needs from the user: a mass delete waiting for a decision (delete, or keep the items instead, with the
 * list of what would go), a sign-in again, or settings to fix.
 */
export function Attention({ p }: { p: PartStatus }) {
  const { t } = useTranslation();
  const said = useSaid();
  const { announce, go } = useApp();
  const [confirming, setConfirming] = useState(false);
  const [showList, setShowList] = useState(false);
  const confirm = async () => {
    setConfirming(true);
    try {
      const s = await call('confirmMassDelete', p.part);
      announce(t('overview.confirmedDone', { part: t(`parts.${p.part}`), result: t(`result.${s.result}`) }));
    } catch (e) {
      announce(errorMessage(e));
    } finally {
      setConfirming(false);
    }
  };
  const keep = async () => {
    setConfirming(true);
    try {
      const s = await call('keepInsteadOfDelete', p.part);
      announce(t('overview.keptDone', { part: t(`parts.${p.part}`), result: t(`result.${s.result}`) }));
    } catch (e) {
      announce(errorMessage(e));
    } finally {
      setConfirming(false);
    }
  };
  if (!p.attention) return null;
  return (
    <div
      className={`banner ${p.attention.kind === 'massDelete' ? 'banner-warn' : 'banner-error'}`}
      role="alert"
    >
      <p>{said(p.attention)}</p>
      {p.attention.kind === 'massDelete' && (
        <>
          <PendingWhy byReason={p.attention.pendingByReason} />
          <p>{t('overview.waitsForDecision', { part: t(`parts.${p.part}`) })}</p>
          <div className="actions">
            <button type="button" className="danger" disabled={confirming} onClick={confirm}>
              {p.attention.pendingDeletes
                ? t('overview.confirmDeletes', { count: p.attention.pendingDeletes })
                : t('overview.confirmDeletesUnknown')}
            </button>
            <button type="button" disabled={confirming} onClick={keep}>
              {t(p.attention.side === 'abra' ? 'overview.keepInAbra' : 'overview.keepInOutlook')}
            </button>
            {p.attention.pendingItems && p.attention.pendingItems.length > 0 && (
              <button type="button" aria-expanded={showList} onClick={() => setShowList((v) => !v)}>
                {t('overview.showList')}
              </button>
            )}
          </div>
          {showList && p.attention.pendingItems && (
            <ul className="pending-list" aria-label={t('overview.pendingList')}>
              {p.attention.pendingItems.map((name, i) => (
                // names may repeat (two meetings of the same subject)
                // biome-ignore lint/suspicious/noArrayIndexKey: a static list shown once
                <li key={`${i}:${name}`}>
                  {name}
                  {p.attention?.pendingReasons?.[i] && (
                    <span className="pending-why">
                      {' '}
                      — {t(`overview.why.${p.attention.pendingReasons[i]}`)}
                    </span>
                  )}
                </li>
              ))}
              {(p.attention.pendingDeletes ?? 0) > p.attention.pendingItems.length && (
                <li>
                  {t('overview.andMore', {
                    count: (p.attention.pendingDeletes ?? 0) - p.attention.pendingItems.length,
                  })}
                </li>
              )}
            </ul>
          )}
        </>
      )}
      {p.attention.kind === 'auth' && (
        <button type="button" onClick={() => go('connections')}>
          {t('overview.signInAgain')}
        </button>
      )}
      {p.attention.kind === 'config' && (
        <button type="button" onClick={() => go(p.part === 'mail' ? 'mail' : 'parts')}>
          {t('overview.openSettings')}
        </button>
      )}
    </div>
  );
}

const REASONS: DeleteReason[] = ['deletedInAbra', 'deletedInExchange', 'leftFilter'];

/** Why the items would go, counted: "Proč: 12 smazáno v ABRA, 17 už neodpovídá filtru." */
function PendingWhy({ byReason }: { byReason?: Partial<Record<DeleteReason, number>> }) {
  const { t } = useTranslation();
  const parts = REASONS.filter((r) => (byReason?.[r] ?? 0) > 0).map((r) =>
    t(`overview.whyCount.${r}`, { count: byReason?.[r] ?? 0 }),
  );
  if (parts.length === 0) return null;
  return <p className="pending-why-summary">{t('overview.pendingWhy', { list: parts.join(', ') })}</p>;
}
