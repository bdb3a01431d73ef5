import { type RefObject, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { WritableSecret } from '../../../../src-main/app/ipc-contract';
import { useApp } from '../../lib/app-context';
import { call, errorMessage } from '../../lib/bridge';

type Typed = Partial<Record<WritableSecret, string>>;

/** The write-only secret fields of the Connections page: what was typed, stored on Save / Test, or forgotten. */
export function useTypedSecrets(draftRef: RefObject<unknown>) {
  const { t } = useTranslation();
  const { state, setState, announce } = useApp();
  const [typed, setTyped] = useState<Typed>({});

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

  /** The props of a SecretField for `name`. */
  const secretProps = (name: WritableSecret) => ({
    name,
    stored: state.secrets[name],
    value: typed[name] ?? '',
    onChange: (v: string) => setTyped((x) => ({ ...x, [name]: v })),
    onForget: () => forget(name),
  });

  return { storeTyped, secretProps };
}

export type TypedSecrets = ReturnType<typeof useTypedSecrets>;
