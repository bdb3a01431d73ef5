import { type RefObject, useEffect, useState } from 'react';
import type { FieldIssue } from '../../../../src-main/app/ipc-contract';
import { getIn } from '../../lib/paths';

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

export type AdminSide = 'abra' | 'exchange';

/**
 * "For administrators": open where something must be filled in that only an admin knows (no ABRA server yet), or
 * where a field there has an error; the user may open and close it.
 */
export function useAdminOpen(draftRef: RefObject<unknown>, issues: readonly FieldIssue[]) {
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
  const toggle = (which: AdminSide) => (e: React.SyntheticEvent<HTMLDetailsElement>) => {
    const open = e.currentTarget.open;
    setAdminOpen((x) => (x[which] === open ? x : { ...x, [which]: open }));
  };
  return { adminOpen, toggle };
}

export type AdminOpen = ReturnType<typeof useAdminOpen>;
