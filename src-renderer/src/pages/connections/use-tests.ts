import { type RefObject, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConnectionSide, ConnectionTestResult } from '../../../../src-main/app/ipc-contract';
import { useApp } from '../../lib/app-context';
import { call, errorMessage } from '../../lib/bridge';
import type { TypedSecrets } from './use-secrets';

/**
 * The connection tests: a test per side at a time; the two sides do not block each other, and a running test can
 * be cancelled (main aborts its requests; it gives up on its own after 15 s). A result that arrives after its test
 * was cancelled or replaced is dropped.
 */
export function useConnectionTests(
  draftRef: RefObject<unknown>,
  storeTyped: TypedSecrets['storeTyped'],
  set: (path: string, value: unknown) => void,
) {
  const { t } = useTranslation();
  const { announce } = useApp();
  const [tests, setTests] = useState<Partial<Record<ConnectionSide, ConnectionTestResult>>>({});
  const [testing, setTesting] = useState<Partial<Record<ConnectionSide, number>>>({});
  const [steps, setSteps] = useState<string[]>([]);
  const testRun = useRef(0);
  const current = useRef<Partial<Record<ConnectionSide, number>>>({});

  /** Start a test of `side`: `mine()` says whether it is still the side's test, `fail` shows an error, `end` ends it. */
  const begin = (side: ConnectionSide) => {
    const run = ++testRun.current;
    current.current[side] = run;
    setTesting((x) => ({ ...x, [side]: run }));
    setTests((x) => ({ ...x, [side]: undefined }));
    const mine = () => current.current[side] === run;
    const fail = (e: unknown) => {
      if (!mine()) return;
      const r = { ok: false, side, message: errorMessage(e) };
      setTests((x) => ({ ...x, [side]: r }));
      announce(r.message);
    };
    const end = () => {
      if (mine()) {
        current.current[side] = undefined;
        setTesting((x) => ({ ...x, [side]: undefined }));
      }
    };
    return { mine, fail, end };
  };

  const test = async (side: ConnectionSide) => {
    const { mine, fail, end } = begin(side);
    try {
      await storeTyped(side === 'abra' ? ['abraPassword', 'abraToken'] : ['exchangePassword']);
      const r = await call('testConnection', side, draftRef.current);
      if (!mine()) return;
      setTests((x) => ({ ...x, [side]: r }));
      announce(r.message);
    } catch (e) {
      fail(e);
    } finally {
      end();
    }
  };

  /** E-mail + password: Autodiscover, the server's sign-in method, then the test (main's discoverExchange). */
  const discoverAndTest = async () => {
    setSteps([]);
    const { mine, fail, end } = begin('exchange');
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
      fail(e);
    } finally {
      end();
    }
  };

  const cancelTest = (side: ConnectionSide) => {
    current.current[side] = undefined;
    setTesting((x) => ({ ...x, [side]: undefined }));
    announce(t('connections.testCancelled'));
    // main aborts the test's requests (the socket is closed), so the next test starts at once
    call('cancelTest', side).catch(() => undefined);
  };

  /** A result from elsewhere (the Microsoft sign-in). */
  const show = (side: ConnectionSide, r: ConnectionTestResult) => setTests((x) => ({ ...x, [side]: r }));

  return { tests, testing, steps, test, discoverAndTest, cancelTest, show };
}

export type ConnectionTests = ReturnType<typeof useConnectionTests>;
