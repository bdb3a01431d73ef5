/**
 * XSD validation helper for EWS traffic (shared by the emulator tests and the EWS backend tests):
 *
 *   const r = await validateBody(responseXml);   // { ok, errors }
 *
 * It extracts the element inside soap:Body and runs `xmllint --schema ../shared/ews/schema/messages.xsd`.
 * `xsdSkipReason` is non-empty when ../shared or xmllint is absent (use it with `describe.skipIf`).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { soapBodyChild, validateFragment } from '../../emulators/ews/validate';
import { ewsSchemaDir, hasShared, sharedSkipReason, xmllintPath, xmllintSkipReason } from '../../helpers/env';

export const canValidateXsd =
  hasShared && !!xmllintPath && existsSync(path.join(ewsSchemaDir, 'messages.xsd'));
export const xsdSkipReason = !hasShared ? sharedSkipReason : !xmllintPath ? xmllintSkipReason : '';

export interface XsdResult {
  ok: boolean;
  errors: string[];
}

/** Validates the soap:Body child of a whole SOAP envelope (request or response). */
export async function validateBody(xml: string): Promise<XsdResult> {
  if (!canValidateXsd) return { ok: false, errors: [xsdSkipReason] };
  const frag = soapBodyChild(xml);
  if (!frag) return { ok: false, errors: ['no element inside soap:Body'] };
  const r = await validateFragment(frag, ewsSchemaDir, xmllintPath);
  return { ok: r.ok, errors: r.errors };
}

/** Validates a bare document (e.g. an m:GetItem element with its namespace declarations). */
export async function validateElement(xml: string): Promise<XsdResult> {
  if (!canValidateXsd) return { ok: false, errors: [xsdSkipReason] };
  const r = await validateFragment(xml, ewsSchemaDir, xmllintPath);
  return { ok: r.ok, errors: r.errors };
}
