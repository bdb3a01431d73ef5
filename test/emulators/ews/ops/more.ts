/**
 * ConvertId, GetAttachment, UpdateFolder (rename) and GetUserConfiguration — operations independent clients use
 * that the product itself does not need. Each follows Microsoft's EWS reference (cited per function).
 */
import { errorMessage, responseBody, success } from '../soap';
import { type Attachment, type Folder, type Item, StoreError } from '../store';
import { attrsXml, child, children, childText, tag, tt, type XNode } from '../xml';
import { type OpContext, resolveFolder } from './common';

/** The formats of IdFormatType (types.xsd). */
const FORMATS = new Set(['EwsLegacyId', 'EwsId', 'EntryId', 'HexEntryId', 'StoreId', 'OwaId']);
/** A fixed prefix that makes the emulator's "entry ids" recognisable (a real EntryId is a MAPI binary). */
const ENTRY_PREFIX = Buffer.from([0, 0, 0, 0, 0x45, 0x4d, 0x55, 0x49]); // 00000000 'EMUI'

/**
 * ConvertId (https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/convertid-operation):
 * each AlternateId in SourceIds is converted to DestinationFormat; the answer names the mailbox that holds it (clients
 * use this to learn the primary SMTP address). EwsId/EwsLegacyId/OwaId are the emulator's id as is; EntryId is a
 * base64 binary, HexEntryId the same binary in hex, StoreId a base64 form of it. An id that cannot be read is
 * ErrorInvalidIdMalformed; one of no item or folder, ErrorItemNotFound.
 */
export function convertId(ctx: OpContext, req: XNode): string {
  const dest = req.attrs.DestinationFormat ?? '';
  const ids = children(child(req, 'SourceIds'));
  return responseBody(
    'ConvertId',
    ids.map((n) => {
      try {
        if (!FORMATS.has(dest)) throw new StoreError('ErrorInvalidRequest', 'Unknown DestinationFormat.');
        const id = toEwsId(n.attrs.Format ?? '', n.attrs.Id ?? '');
        const it = ctx.store.tryItem(id);
        let mailbox = it?.mailbox;
        if (!it) {
          try {
            mailbox = ctx.store.folder(id).mailbox;
          } catch {
            throw new StoreError('ErrorItemNotFound', 'The specified object was not found in the store.');
          }
        }
        if (!mailbox || (n.attrs.Mailbox && n.attrs.Mailbox.toLowerCase() !== mailbox.email.toLowerCase()))
          throw new StoreError('ErrorItemNotFound', 'The specified object was not found in the store.');
        const out = fromEwsId(dest, id);
        return success(
          'ConvertIdResponseMessage',
          `<m:AlternateId xsi:type="t:AlternateIdType"${attrsXml({ Format: dest, Id: out, Mailbox: mailbox.email })}/>`,
        );
      } catch (e) {
        if (e instanceof StoreError) return errorMessage('ConvertIdResponseMessage', e.code, e.message);
        throw e;
      }
    }),
  );
}

function toEwsId(format: string, id: string): string {
  const malformed = () => new StoreError('ErrorInvalidIdMalformed', 'Id is malformed.');
  let bytes: Buffer;
  switch (format) {
    case 'EwsId':
    case 'EwsLegacyId':
    case 'OwaId':
      return id;
    case 'HexEntryId':
      if (!/^(?:[0-9A-Fa-f]{2})+$/.test(id)) throw malformed();
      bytes = Buffer.from(id, 'hex');
      break;
    case 'EntryId':
    case 'StoreId':
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(id)) throw malformed();
      bytes = Buffer.from(id, 'base64');
      break;
    default:
      throw malformed();
  }
  if (bytes.length <= ENTRY_PREFIX.length || !bytes.subarray(0, ENTRY_PREFIX.length).equals(ENTRY_PREFIX))
    throw malformed();
  return bytes.subarray(ENTRY_PREFIX.length).toString('utf8');
}

function fromEwsId(format: string, id: string): string {
  if (format === 'EwsId' || format === 'EwsLegacyId' || format === 'OwaId') return id;
  const bytes = Buffer.concat([ENTRY_PREFIX, Buffer.from(id, 'utf8')]);
  return format === 'HexEntryId' ? bytes.toString('hex').toUpperCase() : bytes.toString('base64');
}

/**
 * GetAttachment (https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/getattachment-operation):
 * one response message per AttachmentId, with the file attachment's name, content type, size and base64 content.
 * An unknown id is ErrorInvalidIdMalformed when it cannot be an attachment id, else ErrorItemNotFound.
 */
export function getAttachment(ctx: OpContext, req: XNode): string {
  const ids = children(child(req, 'AttachmentIds'));
  const all = new Map<string, { att: Attachment; item: Item }>();
  for (const mb of ctx.store.mailboxes)
    if (mb === ctx.mailbox)
      for (const it of mb.items.values())
        for (const att of it.attachments) all.set(att.id, { att, item: it });
  return responseBody(
    'GetAttachment',
    ids.map((n) => {
      const id = n.attrs.Id ?? '';
      const hit = all.get(id);
      if (!hit) {
        const code = /^[A-Za-z0-9+/]+={0,2}$/.test(id) ? 'ErrorItemNotFound' : 'ErrorInvalidIdMalformed';
        return errorMessage(
          'GetAttachmentResponseMessage',
          code,
          code === 'ErrorItemNotFound'
            ? 'The specified object was not found in the store.'
            : 'Id is malformed.',
          '<m:Attachments/>',
        );
      }
      const a = hit.att;
      return success(
        'GetAttachmentResponseMessage',
        `<m:Attachments>${tag(
          't:FileAttachment',
          {},
          tag('t:AttachmentId', {
            Id: a.id,
            RootItemId: hit.item.id,
            RootItemChangeKey: hit.item.changeKey,
          }) +
            tt('Name', a.name) +
            tt('ContentType', a.contentType) +
            (ctx.version.startsWith('Exchange2007')
              ? '' // 2007's AttachmentType has no Size/IsInline
              : tt('Size', a.content.length) + tt('IsInline', a.isInline)) +
            tt('Content', a.content.toString('base64')),
        )}</m:Attachments>`,
      );
    }),
  );
}

/**
 * UpdateFolder (https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/updatefolder-operation):
 * SetFolderField of folder:DisplayName renames the folder (a sibling with that name: ErrorFolderExists; an empty
 * name: ErrorInvalidRequest). Other fields are refused with ErrorInvalidPropertyRequest — the emulator does not
 * model them (a stricter answer than Exchange's, which would apply them).
 */
export function updateFolder(ctx: OpContext, req: XNode): string {
  const changes = children(child(req, 'FolderChanges'), 'FolderChange');
  return responseBody(
    'UpdateFolder',
    changes.map((c) => {
      try {
        const idNode = c.children.find((x) => x.name === 'FolderId' || x.name === 'DistinguishedFolderId');
        if (!idNode) throw new StoreError('ErrorInvalidRequest', 'A folder id is required.');
        const f: Folder = resolveFolder(ctx, idNode);
        if (idNode.name === 'FolderId' && idNode.attrs.ChangeKey && idNode.attrs.ChangeKey !== f.changeKey)
          throw new StoreError(
            'ErrorIrresolvableConflict',
            'The folder has changed since its change key was read.',
          );
        for (const u of children(child(c, 'Updates'))) {
          const uri = child(u, 'FieldURI')?.attrs.FieldURI;
          if (u.name !== 'SetFolderField' || uri !== 'folder:DisplayName')
            throw new StoreError(
              'ErrorInvalidPropertyRequest',
              `Updating ${uri ?? u.name} is not supported by the EWS emulator.`,
            );
          const folderEl = u.children.find((x) => x.name !== 'FieldURI');
          const name = childText(folderEl, 'DisplayName') ?? '';
          ctx.store.renameFolder(f, name);
        }
        return success(
          'UpdateFolderResponseMessage',
          `<m:Folders>${tag(`t:${f.element}`, {}, tag('t:FolderId', { Id: f.id, ChangeKey: f.changeKey }))}</m:Folders>`,
        );
      } catch (e) {
        if (e instanceof StoreError) return errorMessage('UpdateFolderResponseMessage', e.code, e.message);
        throw e;
      }
    }),
  );
}

/**
 * GetUserConfiguration
 * (https://learn.microsoft.com/en-us/exchange/client-developer/web-service-reference/getuserconfiguration-operation):
 * the emulated mailboxes hold no user configuration objects (no OWA/Outlook settings, no category list), so every
 * request is answered as Exchange answers for a configuration that does not exist: ErrorItemNotFound. The folder
 * named must exist (else ErrorFolderNotFound first).
 */
export function getUserConfiguration(ctx: OpContext, req: XNode): string {
  const nameNode = child(req, 'UserConfigurationName');
  try {
    const folderId = nameNode?.children[0];
    if (folderId) resolveFolder(ctx, folderId);
    return responseBody('GetUserConfiguration', [
      errorMessage(
        'GetUserConfigurationResponseMessage',
        'ErrorItemNotFound',
        `The specified object was not found in the store., The configuration object was not found. Name = ${nameNode?.attrs.Name ?? ''}.`,
      ),
    ]);
  } catch (e) {
    if (e instanceof StoreError)
      return responseBody('GetUserConfiguration', [
        errorMessage('GetUserConfigurationResponseMessage', e.code, e.message),
      ]);
    throw e;
  }
}
