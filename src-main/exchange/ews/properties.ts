/**
 * What is read of each item kind: the property sets of GetItem, and the conversion of a read item. They must match
 * ./map.ts — a field mapped there but not asked for here is never read (see docs/ews-backend.md).
 * Every folder kind is read on the lean path (./lean-read.ts writes the same property set, ./read-item.ts reads it).
 * Here `propsFor` still serves the library's UpdateItem (./writes.ts binds the items it updates); `convert` (with
 * the `to…` readers of ./map-contact.ts, ./map-activity.ts, ./map-message.ts) is no longer on the product's path —
 * it stays as the library path's reading the lean readers are tested against (test/exchange/ews/lean-read*.test.ts).
 */
import type { ExchangeItem, FolderKind, FolderRef } from '../types';
import { ews } from './ews-lib';
import { abraIdDef, titleDef } from './map';
import { toEvent, toTask } from './map-activity';
import { toContact } from './map-contact';
import { toMessage } from './map-message';

export function folderId(folder: FolderRef): ews.FolderId {
  return new ews.FolderId(folder.id);
}

/** The GetItem property set of a kind (bodies as text; e-mail without the body unless asked). */
export function propsFor(kind: FolderKind, withBody = true): ews.PropertySet {
  const S = ews;
  let defs: ews.PropertyDefinitionBase[];
  switch (kind) {
    case 'contacts':
      defs = [
        S.ContactSchema.DisplayName,
        S.ContactSchema.FileAs,
        S.ContactSchema.GivenName,
        S.ContactSchema.MiddleName,
        S.ContactSchema.Surname,
        S.ContactSchema.CompanyName,
        S.ContactSchema.Department,
        S.ContactSchema.JobTitle,
        S.ContactSchema.EmailAddresses,
        S.ContactSchema.PhoneNumbers,
        S.ContactSchema.PhysicalAddresses,
        S.ContactSchema.BusinessHomePage,
        S.ItemSchema.Body,
        S.ItemSchema.Categories,
        S.ItemSchema.LastModifiedTime,
        S.ItemSchema.ParentFolderId,
        S.ItemSchema.ItemClass,
        titleDef,
      ];
      break;
    case 'calendar':
      defs = [
        S.ItemSchema.Subject,
        S.AppointmentSchema.Start,
        S.AppointmentSchema.End,
        S.AppointmentSchema.IsAllDayEvent,
        S.AppointmentSchema.Location,
        S.ItemSchema.Body,
        S.ItemSchema.Sensitivity,
        S.AppointmentSchema.LegacyFreeBusyStatus,
        S.ItemSchema.Categories,
        S.AppointmentSchema.RequiredAttendees,
        S.AppointmentSchema.OptionalAttendees,
        S.AppointmentSchema.Organizer,
        S.ItemSchema.IsReminderSet,
        S.ItemSchema.ReminderMinutesBeforeStart,
        S.AppointmentSchema.AppointmentType,
        S.AppointmentSchema.ICalUid,
        S.AppointmentSchema.OriginalStart,
        S.AppointmentSchema.ICalRecurrenceId,
        S.ItemSchema.LastModifiedTime,
        S.ItemSchema.ParentFolderId,
      ];
      break;
    case 'tasks':
      defs = [
        S.ItemSchema.Subject,
        S.TaskSchema.StartDate,
        S.TaskSchema.DueDate,
        S.TaskSchema.CompleteDate,
        S.TaskSchema.Status,
        S.ItemSchema.Importance,
        S.TaskSchema.PercentComplete,
        S.ItemSchema.Body,
        S.ItemSchema.Sensitivity,
        S.ItemSchema.Categories,
        S.ItemSchema.LastModifiedTime,
        S.ItemSchema.ParentFolderId,
      ];
      break;
    default:
      defs = [
        S.ItemSchema.ItemClass,
        S.ItemSchema.Subject,
        S.EmailMessageSchema.InternetMessageId,
        S.EmailMessageSchema.From,
        S.EmailMessageSchema.Sender,
        S.EmailMessageSchema.ToRecipients,
        S.EmailMessageSchema.CcRecipients,
        S.EmailMessageSchema.BccRecipients,
        S.ItemSchema.DateTimeSent,
        S.ItemSchema.DateTimeReceived,
        S.ItemSchema.IsDraft,
        S.ItemSchema.Sensitivity,
        S.ItemSchema.Categories,
        S.ItemSchema.HasAttachments,
        S.ItemSchema.Attachments,
        S.ItemSchema.Size,
        S.ItemSchema.InReplyTo,
        S.EmailMessageSchema.References,
        S.ItemSchema.LastModifiedTime,
        S.ItemSchema.ParentFolderId,
      ];
      if (withBody) defs.push(S.ItemSchema.Body);
  }
  defs.push(abraIdDef);
  const ps = new ews.PropertySet(ews.BasePropertySet.IdOnly, defs);
  ps.RequestedBodyType = ews.BodyType.Text;
  return ps;
}

/** A read item as the sync's type; null when the folder holds an item of another class (a distribution list …). */
export function convert(kind: FolderKind, item: ews.Item, withBody: boolean): ExchangeItem | null {
  switch (kind) {
    case 'contacts':
      return item instanceof ews.Contact ? toContact(item) : null;
    case 'calendar':
      return item instanceof ews.Appointment ? toEvent(item) : null;
    case 'tasks':
      return item instanceof ews.Task ? toTask(item) : null;
    default:
      return toMessage(item, withBody);
  }
}
