/**
 * The EWS URL a session may send credentials to: https:// anywhere, plain http:// to this machine only (emulators,
 * the demo). Which hosts are "this machine" is decided once, in src-main/shared/net.ts (isLoopbackHost), for the
 * configuration's clear-text refusal, Autodiscover, NTLM and this check alike.
 */
import { describe, expect, it } from 'vitest';
import { EwsBackend } from '../../../src-main/exchange/ews/backend';
import { checkEwsUrl } from '../../../src-main/exchange/ews/connection';
import type { XhrLike } from '../../../src-main/exchange/ews/transport';
import { SyncError } from '../../../src-main/shared/errors';
import { isLoopbackHost } from '../../../src-main/shared/net';

function refusal(url: string): SyncError {
  try {
    checkEwsUrl(url);
  } catch (e) {
    if (e instanceof SyncError) return e;
    throw e;
  }
  throw new Error(`${url} was accepted`);
}

describe('checkEwsUrl', () => {
  it('takes https:// on any host', () => {
    expect(() => checkEwsUrl('https://mail.example.com/EWS/Exchange.asmx')).not.toThrow();
    expect(() => checkEwsUrl('https://10.0.0.5/EWS/Exchange.asmx')).not.toThrow();
  });

  it('takes http:// to every loopback host the shared check knows, and only those', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', 'LOCALHOST', '[::1]']) {
      const url = `http://${host}:8080/EWS/Exchange.asmx`;
      expect(isLoopbackHost(new URL(url).hostname), host).toBe(true);
      expect(() => checkEwsUrl(url), host).not.toThrow();
    }
    for (const host of [
      'mail.example.com',
      '127.0.0.1.example.com',
      'localhost.example.com',
      '10.0.0.5',
      '[::2]',
    ]) {
      const url = `http://${host}/EWS/Exchange.asmx`;
      expect(isLoopbackHost(new URL(url).hostname), host).toBe(false);
      const e = refusal(url);
      expect(e.kind, host).toBe('config');
      expect(e.message).toContain('must start with https://');
    }
  });

  it('refuses what is not a URL, and other schemes', () => {
    expect(refusal('mail.example.com/EWS/Exchange.asmx').message).toContain('not valid');
    expect(refusal('ftp://mail.example.com/EWS/Exchange.asmx').kind).toBe('config');
  });

  it('the backend refuses a clear-text URL across the network before any request is made', () => {
    let requests = 0;
    const xhr: XhrLike = {
      xhr: async () => {
        requests++;
        throw new Error('no request expected');
      },
      xhrStream: async () => {
        throw new Error('no request expected');
      },
      disconnect: () => {},
    };
    const make = () =>
      new EwsBackend(
        { email: 'jan@example.com', ewsUrl: 'http://mail.example.com/EWS/Exchange.asmx', auth: 'basic' },
        { password: 'secret' },
        { xhr },
      );
    expect(make).toThrow(/must start with https:\/\//);
    expect(requests).toBe(0);
  });
});
