/**
 * Item and folder → EWS XML, in the element order types.xsd demands (ItemType, then the subtype's own sequence),
 * filtered by the request's response shape (IdOnly / Default / AllProperties + AdditionalProperties).
 */
import { aliasOf, isFolderClassTag } from './mapi';
import type { Occurrence } from './recurrence';
import {
  type EwsStore,
  type ExtProp,
  ewsDate,
  extKey,
  extUri,
  type Folder,
  type Item,
  parseDate,
} from './store';
import { el, esc, tag, textEl, tt, writeX, type XNode } from './xml';

export const ITEM_ORDER = [
  'MimeContent',
  'ItemId',
  'ParentFolderId',
  'ItemClass',
  'Subject',
  'Sensitivity',
  'Body',
  'Attachments',
  'DateTimeReceived',
  'Size',
  'Categories',
  'Importance',
  'InReplyTo',
  'IsSubmitted',
  'IsDraft',
  'IsFromMe',
  'IsResend',
  'IsUnmodified',
  'InternetMessageHeaders',
  'DateTimeSent',
  'DateTimeCreated',
  'ResponseObjects',
  'ReminderDueBy',
  'ReminderIsSet',
  'ReminderNextTime',
  'ReminderMinutesBeforeStart',
  'DisplayCc',
  'DisplayTo',
  'DisplayBcc',
  'HasAttachments',
  'ExtendedProperty',
  'Culture',
  'EffectiveRights',
  'LastModifiedName',
  'LastModifiedTime',
  'IsAssociated',
  'WebClientReadFormQueryString',
  'WebClientEditFormQueryString',
  'ConversationId',
  'UniqueBody',
  'Flag',
  'StoreEntryId',
  'InstanceKey',
  'NormalizedBody',
  'EntityExtractionResult',
  'PolicyTag',
  'ArchiveTag',
  'RetentionDate',
  'Preview',
  'RightsManagementLicenseData',
  'PredictedActionReasons',
  'IsClutter',
  'BlockStatus',
  'HasBlockedImages',
  'TextBody',
  'IconIndex',
  'SearchKey',
  'SortKey',
  'Hashtags',
  'Mentions',
  'MentionedMe',
  'MentionsPreview',
  'MentionsEx',
  'AppliedHashtags',
  'AppliedHashtagsPreview',
  'Likes',
  'LikesPreview',
  'PendingSocialActivityTagIds',
  'AtAllMention',
  'CanDelete',
  'InferenceClassification',
];
const CONTACT_ORDER = [
  'FileAs',
  'FileAsMapping',
  'DisplayName',
  'GivenName',
  'Initials',
  'MiddleName',
  'Nickname',
  'CompleteName',
  'CompanyName',
  'EmailAddresses',
  'AbchEmailAddresses',
  'PhysicalAddresses',
  'PhoneNumbers',
  'AssistantName',
  'Birthday',
  'BusinessHomePage',
  'Children',
  'Companies',
  'ContactSource',
  'Department',
  'Generation',
  'ImAddresses',
  'JobTitle',
  'Manager',
  'Mileage',
  'OfficeLocation',
  'PostalAddressIndex',
  'Profession',
  'SpouseName',
  'Surname',
  'WeddingAnniversary',
  'HasPicture',
  'PhoneticFullName',
  'PhoneticFirstName',
  'PhoneticLastName',
  'Alias',
  'Notes',
  'Photo',
  'UserSMIMECertificate',
  'MSExchangeCertificate',
  'DirectoryId',
  'ManagerMailbox',
  'DirectReports',
];
const CALENDAR_ORDER = [
  'UID',
  'RecurrenceId',
  'DateTimeStamp',
  'Start',
  'End',
  'OriginalStart',
  'IsAllDayEvent',
  'LegacyFreeBusyStatus',
  'Location',
  'When',
  'IsMeeting',
  'IsCancelled',
  'IsRecurring',
  'MeetingRequestWasSent',
  'IsResponseRequested',
  'CalendarItemType',
  'MyResponseType',
  'Organizer',
  'RequiredAttendees',
  'OptionalAttendees',
  'Resources',
  'InboxReminders',
  'ConflictingMeetingCount',
  'AdjacentMeetingCount',
  'ConflictingMeetings',
  'AdjacentMeetings',
  'Duration',
  'TimeZone',
  'AppointmentReplyTime',
  'AppointmentSequenceNumber',
  'AppointmentState',
  'Recurrence',
  'FirstOccurrence',
  'LastOccurrence',
  'ModifiedOccurrences',
  'DeletedOccurrences',
  'MeetingTimeZone',
  'StartTimeZone',
  'EndTimeZone',
  'ConferenceType',
  'AllowNewTimeProposal',
  'IsOnlineMeeting',
  'MeetingWorkspaceUrl',
  'NetShowUrl',
  'EnhancedLocation',
  'StartWallClock',
  'EndWallClock',
  'StartTimeZoneId',
  'EndTimeZoneId',
  'IntendedFreeBusyStatus',
  'JoinOnlineMeetingUrl',
  'OnlineMeetingSettings',
  'IsOrganizer',
];
const TASK_ORDER = [
  'ActualWork',
  'AssignedTime',
  'BillingInformation',
  'ChangeCount',
  'Companies',
  'CompleteDate',
  'Contacts',
  'DelegationState',
  'Delegator',
  'DueDate',
  'IsAssignmentEditable',
  'IsComplete',
  'IsRecurring',
  'IsTeamTask',
  'Mileage',
  'Owner',
  'PercentComplete',
  'Recurrence',
  'StartDate',
  'Status',
  'StatusDescription',
  'TotalWork',
];
const MESSAGE_ORDER = [
  'Sender',
  'ToRecipients',
  'CcRecipients',
  'BccRecipients',
  'IsReadReceiptRequested',
  'IsDeliveryReceiptRequested',
  'ConversationIndex',
  'ConversationTopic',
  'From',
  'InternetMessageId',
  'IsRead',
  'IsResponseRequested',
  'References',
  'ReplyTo',
  'ReceivedBy',
  'ReceivedRepresenting',
];
export const ORDER: Record<string, string[]> = {
  Contact: [...ITEM_ORDER, ...CONTACT_ORDER],
  CalendarItem: [...ITEM_ORDER, ...CALENDAR_ORDER],
  Task: [...ITEM_ORDER, ...TASK_ORDER],
  Message: [...ITEM_ORDER, ...MESSAGE_ORDER],
  Item: ITEM_ORDER,
  PostItem: ITEM_ORDER,
  DistributionList: ITEM_ORDER,
};

/** Properties FindItem and SyncFolderItems may not return (GetItem only). */
export const NON_SUMMARY = new Set([
  'MimeContent',
  'Body',
  'Attachments',
  'UniqueBody',
  'NormalizedBody',
  'TextBody',
  'Recurrence',
  'ModifiedOccurrences',
  'DeletedOccurrences',
  'FirstOccurrence',
  'LastOccurrence',
  'RequiredAttendees',
  'OptionalAttendees',
  'Resources',
  'InternetMessageHeaders',
]);

export interface Shape {
  base: 'IdOnly' | 'Default' | 'AllProperties';
  mime: boolean;
  /** Element names requested through FieldURI / IndexedFieldURI (with the dictionary keys). */
  fields: Set<string>;
  indexed: Map<string, Set<string>>;
  ext: Record<string, string>[];
  summary: boolean;
  /** RequestServerVersion of the request (Exchange2007_SP1 → MeetingTimeZone). */
  version: string;
  /** ItemShape BodyType: Best (as stored), Text or HTML (converted like Exchange does). */
  bodyType?: 'Best' | 'Text' | 'HTML';
}

/** Body in the requested format: HTML → text strips the markup, text → HTML escapes and wraps. */
export function convertBody(b: XNode, want: Shape['bodyType']): XNode {
  const type = b.attrs.BodyType ?? 'Text';
  if (!want || want === 'Best' || want === type) return b;
  if (want === 'Text') {
    const text = b.text
      .replace(/<(script|style)[\s\S]*?<\/\1>/gi, '')
      .replace(/<br\s*\/?>/gi, '\r\n')
      .replace(/<\/(p|div|tr|li|h\d)>/gi, '\r\n')
      .replace(/<[^>]+>/g, '')
      .replace(/&nbsp;/g, ' ')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&')
      .trim();
    return { ...b, attrs: { ...b.attrs, BodyType: 'Text' }, text };
  }
  const html = `<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>${esc(b.text).replace(/\r?\n/g, '<br>')}</body></html>`;
  return { ...b, attrs: { ...b.attrs, BodyType: 'HTML' }, text: html };
}

/** FieldURI value → element name. */
export function fieldElement(uri: string): string {
  const name = uri.split(':')[1] ?? uri;
  return name;
}
export const INDEXED_ELEMENT: Record<string, string> = {
  'contacts:EmailAddress': 'EmailAddresses',
  'contacts:PhoneNumber': 'PhoneNumbers',
  'contacts:ImAddress': 'ImAddresses',
};
export function indexedElement(uri: string): string | undefined {
  if (uri.startsWith('contacts:PhysicalAddress:')) return 'PhysicalAddresses';
  return INDEXED_ELEMENT[uri];
}

/** The whole property set of an item as elements (stored + what Exchange computes), by element name. */
export function properties(store: EwsStore, it: Item, shape: Pick<Shape, 'version'>): Map<string, XNode> {
  const p = new Map<string, XNode>();
  const folder = store.folder(it.folderId);
  p.set('ItemId', el('ItemId', { Id: it.id, ChangeKey: it.changeKey }));
  p.set('ParentFolderId', el('ParentFolderId', { Id: folder.id, ChangeKey: folder.changeKey }));
  for (const [k, v] of it.props) p.set(k, v);
  if (!p.has('Sensitivity')) p.set('Sensitivity', textEl('Sensitivity', 'Normal'));
  if (!p.has('Importance')) p.set('Importance', textEl('Importance', 'Normal'));
  if (!p.has('Subject') && it.element !== 'Contact') p.set('Subject', textEl('Subject', ''));
  if (it.attachments.length)
    p.set(
      'Attachments',
      el(
        'Attachments',
        {},
        it.attachments.map((a) =>
          el('FileAttachment', {}, [
            el('AttachmentId', { Id: a.id }),
            textEl('Name', a.name),
            textEl('ContentType', a.contentType),
            textEl('Size', String(a.content.length)),
            textEl('IsInline', String(a.isInline)),
          ]),
        ),
      ),
    );
  if (!p.has('DateTimeReceived')) p.set('DateTimeReceived', textEl('DateTimeReceived', ewsDate(it.created)));
  const size = it.mime ? it.mime.length : 512 + JSON.stringify([...it.props.values()]).length / 4;
  p.set('Size', textEl('Size', String(Math.round(size))));
  if (!p.has('IsDraft')) p.set('IsDraft', textEl('IsDraft', 'false'));
  if (!p.has('DateTimeSent') && it.element === 'Message')
    p.set('DateTimeSent', textEl('DateTimeSent', ewsDate(it.created)));
  p.set('DateTimeCreated', textEl('DateTimeCreated', ewsDate(it.created)));
  if (!p.has('ReminderIsSet')) p.set('ReminderIsSet', textEl('ReminderIsSet', 'false'));
  for (const k of ['IsSubmitted', 'IsFromMe', 'IsResend', 'IsUnmodified'])
    if (!p.has(k))
      p.set(
        k,
        textEl(
          k,
          String(
            k === 'IsSubmitted' &&
              it.element === 'Message' &&
              p.get('IsDraft')?.text !== 'true' &&
              folder.distinguished === 'sentitems',
          ),
        ),
      );
  if (!p.has('DisplayCc')) p.set('DisplayCc', textEl('DisplayCc', ''));
  if (!p.has('DisplayTo')) p.set('DisplayTo', textEl('DisplayTo', ''));
  p.set('HasAttachments', textEl('HasAttachments', String(it.attachments.some((a) => !a.isInline))));
  p.set('Culture', textEl('Culture', 'cs-CZ'));
  p.set(
    'EffectiveRights',
    el(
      'EffectiveRights',
      {},
      [
        ['CreateAssociated', false],
        ['CreateContents', false],
        ['CreateHierarchy', false],
        ['Delete', true],
        ['Modify', true],
        ['Read', true],
      ].map(([k, v]) => textEl(String(k), String(v))),
    ),
  );
  p.set('LastModifiedName', textEl('LastModifiedName', it.mailbox.displayName));
  p.set('LastModifiedTime', textEl('LastModifiedTime', ewsDate(it.modified)));
  p.set('IsAssociated', textEl('IsAssociated', 'false'));
  if (it.element === 'Contact') {
    const given = it.props.get('GivenName')?.text;
    const middle = it.props.get('MiddleName')?.text;
    const sur = it.props.get('Surname')?.text;
    const kids: XNode[] = [];
    const title = it.props.get('CompleteName');
    if (title) kids.push(...title.children.filter((c) => c.name === 'Title'));
    if (given) kids.push(textEl('FirstName', given));
    if (middle) kids.push(textEl('MiddleName', middle));
    if (sur) kids.push(textEl('LastName', sur));
    kids.push(textEl('FullName', it.props.get('DisplayName')?.text ?? ''));
    p.set('CompleteName', el('CompleteName', {}, kids));
    if (!p.has('FileAsMapping')) p.set('FileAsMapping', textEl('FileAsMapping', 'None'));
  }
  if (it.element === 'CalendarItem') {
    const recurring = it.props.has('Recurrence');
    p.set('CalendarItemType', textEl('CalendarItemType', recurring ? 'RecurringMaster' : 'Single'));
    p.set('IsRecurring', textEl('IsRecurring', String(recurring)));
    if (!p.has('IsAllDayEvent')) p.set('IsAllDayEvent', textEl('IsAllDayEvent', 'false'));
    if (!p.has('LegacyFreeBusyStatus')) p.set('LegacyFreeBusyStatus', textEl('LegacyFreeBusyStatus', 'Busy'));
    const attendees = it.props.has('RequiredAttendees') || it.props.has('OptionalAttendees');
    p.set('IsMeeting', textEl('IsMeeting', String(attendees)));
    p.set('IsCancelled', textEl('IsCancelled', 'false'));
    p.set('MyResponseType', textEl('MyResponseType', 'Organizer'));
    p.set('MeetingRequestWasSent', textEl('MeetingRequestWasSent', 'false'));
    if (!p.has('IsResponseRequested'))
      p.set('IsResponseRequested', textEl('IsResponseRequested', String(attendees)));
    p.set('DateTimeStamp', textEl('DateTimeStamp', ewsDate(it.modified)));
    const s = parseDate(p.get('Start')?.text);
    const e = parseDate(p.get('End')?.text);
    if (s && e) p.set('Duration', textEl('Duration', isoDuration(e.getTime() - s.getTime())));
    const tzName = p.get('StartTimeZone')?.attrs.Name ?? p.get('StartTimeZone')?.attrs.Id;
    if (tzName) p.set('TimeZone', textEl('TimeZone', tzName));
    p.set('AppointmentSequenceNumber', textEl('AppointmentSequenceNumber', '0'));
    p.set('AppointmentState', textEl('AppointmentState', attendees ? '1' : '0'));
    if (!p.has('IsOnlineMeeting')) p.set('IsOnlineMeeting', textEl('IsOnlineMeeting', 'false'));
    if (!p.has('Organizer'))
      p.set('Organizer', el('Organizer', {}, [mailboxNode(it.mailbox.displayName, it.mailbox.email)]));
    if (recurring) {
      const occ = store.occurrences(it, new Date(Date.UTC(2200, 0, 1)), true);
      const live = occ.filter((o) => !it.deletedOccurrences.has(o.index));
      const first = live[0];
      const range = it.props.get('Recurrence')?.children[1];
      const bounded = range && range.name !== 'NoEndRecurrence';
      const last = bounded ? live[live.length - 1] : undefined;
      const info = (name: string, o: Occurrence) => {
        const ex = it.exceptions.get(o.index);
        const s = ex?.props.get('Start')?.text ?? ewsDate(o.start);
        const e = ex?.props.get('End')?.text ?? ewsDate(o.end);
        return el(name, {}, [
          el('ItemId', { Id: store.occurrenceId(it, o.index), ChangeKey: ex?.changeKey ?? it.changeKey }),
          textEl('Start', s),
          textEl('End', e),
          textEl('OriginalStart', ewsDate(o.start)),
        ]);
      };
      if (first) p.set('FirstOccurrence', info('FirstOccurrence', first));
      if (last) p.set('LastOccurrence', info('LastOccurrence', last));
      const modified = occ.filter((o) => it.exceptions.has(o.index));
      if (modified.length)
        p.set(
          'ModifiedOccurrences',
          el(
            'ModifiedOccurrences',
            {},
            modified.map((o) => info('Occurrence', o)),
          ),
        );
      const deleted = occ.filter((o) => it.deletedOccurrences.has(o.index));
      if (deleted.length)
        p.set(
          'DeletedOccurrences',
          el(
            'DeletedOccurrences',
            {},
            deleted.map((o) => el('DeletedOccurrence', {}, [textEl('Start', ewsDate(o.start))])),
          ),
        );
    }
    timeZones(p, shape.version);
  }
  if (it.element === 'Task') {
    p.set('IsComplete', textEl('IsComplete', String(it.props.get('Status')?.text === 'Completed')));
    p.set('IsRecurring', textEl('IsRecurring', String(it.props.has('Recurrence'))));
    if (!p.has('PercentComplete')) p.set('PercentComplete', textEl('PercentComplete', '0'));
  }
  if (shape.version === 'Exchange2007_SP1' || shape.version === 'Exchange2007')
    for (const [k, v] of p) p.set(k, without2007Unknowns(v));
  return p;
}

/**
 * What Exchange 2007's types.xsd does not have: MailboxTypeType has no `OneOff` (Mailbox, PublicDL, PrivateDL,
 * Contact, PublicFolder), so a one-off address is written without a MailboxType; attachments have no Size/IsInline.
 * Returns the node itself when nothing changes.
 */
function without2007Unknowns(n: XNode): XNode {
  if (!n.children.length) return n;
  let changed = false;
  const kids: XNode[] = [];
  const attachment = n.name === 'FileAttachment' || n.name === 'ItemAttachment';
  for (const c of n.children) {
    if (
      (c.name === 'MailboxType' && c.text === 'OneOff') ||
      // 2007's AttachmentType: AttachmentId, Name, ContentType, ContentId, ContentLocation (Size, LastModifiedTime
      // and IsInline came with 2010)
      (attachment && (c.name === 'Size' || c.name === 'IsInline' || c.name === 'LastModifiedTime'))
    ) {
      changed = true;
      continue;
    }
    const d = without2007Unknowns(c);
    if (d !== c) changed = true;
    kids.push(d);
  }
  return changed ? { ...n, children: kids } : n;
}

/** xs:duration like Exchange writes it (PT1H, PT1H30M, P1D). */
export function isoDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  const t = `${h ? `${h}H` : ''}${m ? `${m}M` : ''}${sec ? `${sec}S` : ''}`;
  return `P${d ? `${d}D` : ''}${t ? `T${t}` : d ? '' : 'T0S'}`;
}

function timeZones(p: Map<string, XNode>, version: string): void {
  const stz = p.get('StartTimeZone');
  const mtz = p.get('MeetingTimeZone');
  if (version === 'Exchange2007_SP1' || version === 'Exchange2007') {
    p.delete('StartTimeZone');
    p.delete('EndTimeZone');
    const name = mtz?.attrs.TimeZoneName ?? stz?.attrs.Id;
    if (name && !mtz)
      p.set('MeetingTimeZone', el('MeetingTimeZone', { TimeZoneName: name }, [textEl('BaseOffset', 'PT0H')]));
  } else {
    p.delete('MeetingTimeZone');
    if (!stz && mtz?.attrs.TimeZoneName)
      p.set('StartTimeZone', el('StartTimeZone', { Id: mtz.attrs.TimeZoneName }));
    const s = p.get('StartTimeZone');
    if (s && !p.has('EndTimeZone')) p.set('EndTimeZone', { ...s, name: 'EndTimeZone' });
  }
}

export function mailboxNode(name: string, email: string): XNode {
  return el('Mailbox', {}, [
    textEl('Name', name),
    textEl('EmailAddress', email),
    textEl('RoutingType', 'SMTP'),
    textEl('MailboxType', 'Mailbox'),
  ]);
}

/** Properties of an occurrence / exception of a series (master's properties + the exception's overrides). */
export function occurrenceProperties(
  store: EwsStore,
  master: Item,
  o: Occurrence,
  shape: Pick<Shape, 'version'>,
): Map<string, XNode> {
  const p = properties(store, master, shape);
  for (const k of [
    'Recurrence',
    'ModifiedOccurrences',
    'DeletedOccurrences',
    'FirstOccurrence',
    'LastOccurrence',
  ])
    p.delete(k);
  const ex = master.exceptions.get(o.index);
  p.set(
    'ItemId',
    el('ItemId', { Id: store.occurrenceId(master, o.index), ChangeKey: ex?.changeKey ?? master.changeKey }),
  );
  p.set('Start', textEl('Start', ewsDate(o.start)));
  p.set('End', textEl('End', ewsDate(o.end)));
  if (ex) for (const [k, v] of ex.props) p.set(k, v);
  if (ex) p.set('LastModifiedTime', textEl('LastModifiedTime', ewsDate(ex.modified)));
  p.set('RecurrenceId', textEl('RecurrenceId', ewsDate(o.start)));
  p.set('OriginalStart', textEl('OriginalStart', ewsDate(o.start)));
  p.set('IsRecurring', textEl('IsRecurring', 'true'));
  p.set('CalendarItemType', textEl('CalendarItemType', ex ? 'Exception' : 'Occurrence'));
  const s = parseDate(p.get('Start')?.text);
  const e = parseDate(p.get('End')?.text);
  if (s && e) p.set('Duration', textEl('Duration', isoDuration(e.getTime() - s.getTime())));
  return p;
}

function extXml(e: ExtProp): string {
  const inner =
    e.values !== undefined
      ? tag('t:Values', {}, e.values.map((v) => tt('Value', v)).join(''))
      : tag('t:Value', {}, esc(e.value ?? ''));
  return tag('t:ExtendedProperty', {}, tag('t:ExtendedFieldURI', e.uri) + inner);
}

/** Writes `<t:Contact>…</t:Contact>` (etc.) for the shape. */
export function writeItem(
  element: string,
  props: Map<string, XNode>,
  ext: ExtProp[],
  shape: Shape,
  mime?: Buffer,
): string {
  const order = ORDER[element] ?? ITEM_ORDER;
  let inner = '';
  const wantExt = new Set(shape.ext.map((u) => extKey(u)));
  for (const name of order) {
    if (name === 'ExtendedProperty') {
      for (const e of ext) if (wantExt.has(e.key)) inner += extXml(e);
      // a MAPI tag that is a standard field answers that field's value (./mapi.ts)
      for (const u of shape.ext) {
        const v = aliasOf(u, element)?.get(props);
        if (v !== undefined) inner += extXml({ key: extKey(u), uri: extUri(u), value: v });
      }
      continue;
    }
    if (name === 'MimeContent') {
      if (shape.mime && mime)
        inner += tag('t:MimeContent', { CharacterSet: 'UTF-8' }, mime.toString('base64'));
      continue;
    }
    const v = props.get(name);
    if (!v) continue;
    if (!wanted(name, shape)) continue;
    const idx = shape.indexed.get(name);
    if (idx && shape.base === 'IdOnly' && !shape.fields.has(name)) {
      const kept = v.children.filter((c) => idx.has(c.attrs.Key ?? ''));
      if (kept.length) inner += writeX({ ...v, children: kept });
      continue;
    }
    inner += writeX(name === 'Body' ? convertBody(v, shape.bodyType) : v);
  }
  return tag(`t:${element}`, {}, inner);
}

function wanted(name: string, shape: Shape): boolean {
  if (name === 'ItemId') return true;
  // a summary answer (SyncFolderItems) never has them, asked for or not
  if (shape.summary && NON_SUMMARY.has(name)) return false;
  if (shape.fields.has(name) || shape.indexed.has(name)) return true;
  if (shape.base === 'IdOnly') return false;
  return true;
}

export function writeStoredItem(store: EwsStore, it: Item, shape: Shape): string {
  const props = properties(store, it, shape);
  const mime = it.mime ?? (shape.mime && it.element === 'Message' ? generateMime(props) : undefined);
  return writeItem(it.element, props, it.ext, shape, mime);
}

/** MIME for a message that was created without one (Exchange renders its own): headers + a UTF-8 body. */
export function generateMime(p: Map<string, XNode>): Buffer {
  const word = (s: string) =>
    /^[\x20-\x7e]*$/.test(s) ? s : `=?UTF-8?B?${Buffer.from(s, 'utf8').toString('base64')}?=`;
  const addr = (m: XNode | undefined) => {
    const name = m?.children.find((c) => c.name === 'Name')?.text;
    const email = m?.children.find((c) => c.name === 'EmailAddress')?.text ?? '';
    return name ? `${word(name)} <${email}>` : email;
  };
  const list = (k: string) => (p.get(k)?.children ?? []).map(addr).join(', ');
  const lines: string[] = [];
  const from = p.get('From')?.children[0];
  if (from) lines.push(`From: ${addr(from)}`);
  if (list('ToRecipients')) lines.push(`To: ${list('ToRecipients')}`);
  if (list('CcRecipients')) lines.push(`Cc: ${list('CcRecipients')}`);
  lines.push(`Subject: ${word(p.get('Subject')?.text ?? '')}`);
  const sent = parseDate(p.get('DateTimeSent')?.text);
  if (sent) lines.push(`Date: ${sent.toUTCString().replace('GMT', '+0000')}`);
  const mid = p.get('InternetMessageId')?.text;
  if (mid) lines.push(`Message-ID: ${mid}`);
  const body = p.get('Body');
  const html = body?.attrs.BodyType === 'HTML';
  lines.push(
    'MIME-Version: 1.0',
    `Content-Type: text/${html ? 'html' : 'plain'}; charset="utf-8"`,
    'Content-Transfer-Encoding: base64',
  );
  const b64 = Buffer.from(body?.text ?? '', 'utf8')
    .toString('base64')
    .replace(/.{76}/g, '$&\r\n');
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${b64}\r\n`, 'utf8');
}

export function writeOccurrence(store: EwsStore, master: Item, o: Occurrence, shape: Shape): string {
  return writeItem('CalendarItem', occurrenceProperties(store, master, o, shape), master.ext, shape);
}

// ---- folders -----------------------------------------------------------------------------------------------------

export interface FolderShape {
  base: 'IdOnly' | 'Default' | 'AllProperties';
  fields: Set<string>;
  /** ExtendedFieldURIs asked for (only PR_CONTAINER_CLASS has a value on the emulator's folders). */
  ext?: Record<string, string>[];
}

export function writeFolder(store: EwsStore, f: Folder, shape: FolderShape): string {
  const want = (n: string) => shape.base !== 'IdOnly' || shape.fields.has(n);
  let inner = tag('t:FolderId', { Id: f.id, ChangeKey: f.changeKey });
  const parent = f.parentId ? store.folder(f.parentId) : undefined;
  if (parent && (shape.base === 'AllProperties' || shape.fields.has('ParentFolderId')))
    inner += tag('t:ParentFolderId', { Id: parent.id, ChangeKey: parent.changeKey });
  if (f.folderClass && (shape.base === 'AllProperties' || shape.fields.has('FolderClass')))
    inner += tt('FolderClass', f.folderClass);
  if (want('DisplayName')) inner += tt('DisplayName', f.displayName);
  if (want('TotalCount')) inner += tt('TotalCount', store.folderItems(f).length);
  if (want('ChildFolderCount')) inner += tt('ChildFolderCount', store.childFolders(f).length);
  for (const u of shape.ext ?? [])
    if (isFolderClassTag(u) && f.folderClass)
      inner += extXml({ key: extKey(u), uri: extUri(u), value: f.folderClass });
  if (shape.base === 'AllProperties' || shape.fields.has('EffectiveRights'))
    inner += tag(
      't:EffectiveRights',
      {},
      ['CreateAssociated', 'CreateContents', 'CreateHierarchy', 'Delete', 'Modify', 'Read']
        .map((n) => tt(n, true))
        .join(''),
    );
  if ((f.element === 'Folder' || f.element === 'SearchFolder') && want('UnreadCount'))
    inner += tt(
      'UnreadCount',
      store.folderItems(f).filter((i) => i.element === 'Message' && i.props.get('IsRead')?.text !== 'true')
        .length,
    );
  return tag(`t:${f.element}`, {}, inner);
}
