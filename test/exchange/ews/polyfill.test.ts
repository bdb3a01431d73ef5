/**
 * ews-javascript-api 0.15.3 calls `util.isNullOrUndefined`, which Node removed in v23. These tests run on Node 20
 * and again on Node 24 (`npm test` → scripts/node24.mjs): on 24 they prove the polyfill is what makes extended
 * properties (the AbraId stamp) serialize at all.
 */
import util from 'node:util';
import { describe, expect, it } from 'vitest';
import { ews } from '../../../src-main/exchange/ews/ews-lib';
import { abraIdDef } from '../../../src-main/exchange/ews/map';
import { ewsPolyfillInstalled } from '../../../src-main/exchange/ews/polyfill';
import { ianaToWindows, knownIanaZones, windowsToIana } from '../../../src-main/exchange/timezones';
import { nodeMajor } from '../../helpers/env';
import { startStub, stubBackend } from './stub';

describe(`ews-javascript-api on Node ${process.versions.node}`, () => {
  it('util.isNullOrUndefined exists once ews-lib is loaded', () => {
    expect(ewsPolyfillInstalled).toBe(true);
    const u = util as unknown as { isNullOrUndefined?: (v: unknown) => boolean };
    expect(typeof u.isNullOrUndefined).toBe('function');
    expect(u.isNullOrUndefined?.(null)).toBe(true);
    expect(u.isNullOrUndefined?.(undefined)).toBe(true);
    expect(u.isNullOrUndefined?.(0)).toBe(false);
    expect(u.isNullOrUndefined?.('')).toBe(false);
  });

  it('an item with the AbraId extended property serializes and goes over HTTP', async () => {
    const stub = await startStub();
    try {
      const b = stubBackend(stub);
      stub.push({
        body: '<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><m:CreateItemResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><m:ResponseMessages><m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items><t:Contact><t:ItemId Id="P1" ChangeKey="K1"/></t:Contact></m:Items></m:CreateItemResponseMessage></m:ResponseMessages></m:CreateItemResponse></s:Body></s:Envelope>',
      });
      const res = await b.createItems({ id: 'F', kind: 'contacts', displayName: 'ABRA Gen' }, [
        { abraId: 'AD1', data: { displayName: 'Polyfill' } },
      ]);
      expect(res).toEqual([{ ok: true, id: 'P1', changeKey: 'K1' }]);
      expect(stub.requests[0]?.body).toContain('PropertyName="AbraId"');
    } finally {
      await stub.stop();
    }
  });

  it('the extended property definition is the named String property in the sync GUID', () => {
    expect(abraIdDef.PropertySetId?.ToString?.() ?? String(abraIdDef.PropertySetId)).toMatch(
      /c6d6d1a5-3b1e-4f0a-9c2a-4a5b52a1e0f1/i,
    );
    expect(abraIdDef.Name).toBe('AbraId');
    expect(abraIdDef.MapiType).toBe(ews.MapiPropertyType.String);
  });

  it.skipIf(nodeMajor < 23)(
    'Node ≥ 23 really lacks util.isNullOrUndefined without the polyfill',
    async () => {
      const { execFileSync } = await import('node:child_process');
      const out = execFileSync(
        process.execPath,
        ['-e', 'console.log(typeof require("util").isNullOrUndefined)'],
        {
          encoding: 'utf8',
        },
      );
      expect(out.trim()).toBe('undefined');
    },
  );
});

describe('IANA → Windows time zones', () => {
  it('maps every European zone the app offers and the common others', () => {
    expect(ianaToWindows('Europe/Prague')).toBe('Central Europe Standard Time');
    expect(ianaToWindows('Europe/Bratislava')).toBe('Central Europe Standard Time');
    expect(ianaToWindows('Europe/Warsaw')).toBe('Central European Standard Time');
    expect(ianaToWindows('Europe/Berlin')).toBe('W. Europe Standard Time');
    expect(ianaToWindows('Europe/London')).toBe('GMT Standard Time');
    expect(ianaToWindows('Europe/Kyiv')).toBe('FLE Standard Time');
    expect(ianaToWindows('America/New_York')).toBe('Eastern Standard Time');
    expect(ianaToWindows('Mars/Olympus')).toBeNull();
    expect(windowsToIana('Central Europe Standard Time')).toBe('Europe/Prague');
    const europe = Intl.supportedValuesOf('timeZone').filter((z) => z.startsWith('Europe/'));
    const missing = europe.filter((z) => !ianaToWindows(z));
    expect(missing).toEqual([]);
  });

  it('every Windows id we map is one ews-javascript-api knows (so StartTimeZone can be written)', () => {
    const unknown = [...new Set(knownIanaZones().map((z) => ianaToWindows(z)!))].filter((w) => {
      try {
        return !ews.TimeZoneInfo.FindSystemTimeZoneById(w);
      } catch {
        return true;
      }
    });
    expect(unknown).toEqual([]);
  });
});
