import { describe, expect, it } from 'vitest';
import {
  child,
  childrenNamed,
  NS_MESSAGES,
  NS_TYPES,
  parseXml,
  path,
  textOf,
} from '../../../src-main/exchange/ews/xml-tree';

const ANSWER = `<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<m:CreateItemResponse xmlns:m="${NS_MESSAGES}" xmlns:t="${NS_TYPES}"><m:ResponseMessages>
<m:CreateItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
<m:Items><t:Contact><t:ItemId Id="AA&amp;=" ChangeKey="CK"/><t:DisplayName>Novák &amp; syn <![CDATA[<b>]]></t:DisplayName></t:Contact></m:Items>
</m:CreateItemResponseMessage><m:CreateItemResponseMessage ResponseClass="Error"><m:MessageText>x</m:MessageText><m:ResponseCode>ErrorItemNotFound</m:ResponseCode></m:CreateItemResponseMessage>
</m:ResponseMessages></m:CreateItemResponse></s:Body></s:Envelope>`;

describe('the lean reader of EWS answers', () => {
  it('reads local names, namespaces, attributes, entities and CDATA into plain objects', () => {
    const env = parseXml(ANSWER);
    expect(env.name).toBe('Envelope');
    const msgs = childrenNamed(
      path(env, 'Body', 'CreateItemResponse', 'ResponseMessages'),
      'CreateItemResponseMessage',
    );
    expect(msgs.map((m) => m.attrs.ResponseClass)).toEqual(['Success', 'Error']);
    expect(msgs[0]!.ns).toBe(NS_MESSAGES);
    const contact = path(msgs[0], 'Items', 'Contact');
    expect(contact?.ns).toBe(NS_TYPES);
    expect(child(contact, 'ItemId')?.attrs).toEqual({ Id: 'AA&=', ChangeKey: 'CK' });
    expect(textOf(contact, 'DisplayName')).toBe('Novák & syn <b>');
    expect(textOf(msgs[1], 'ResponseCode')).toBe('ErrorItemNotFound');
    expect(textOf(msgs[1], 'Nope')).toBeUndefined();
  });

  it('refuses text that is not well-formed XML with a clear error, never a half-read answer', () => {
    expect(() => parseXml('<a><b></a>')).toThrow(/not well-formed XML/);
    expect(() => parseXml('<a>&nosuch;</a>')).toThrow(/not well-formed XML/);
    expect(() => parseXml('')).toThrow(/not well-formed XML/);
    expect(() => parseXml('<a xmlns:t="u"><x:b/></a>')).toThrow(/not well-formed XML/);
  });
});
