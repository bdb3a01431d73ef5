/**
 * What is read of each item kind: the property sets of GetItem, and the conversion of a read item. They must match
 * ./map.ts — a field mapped there but not asked for here is never read (see docs/ews-backend.md).
 */
import type { ExchangeItem, FolderKind, FolderRef } from '../types';
import { ews } from './ews-lib';
import { abraIdDef, titleDef, toContact, toEvent, toMessage, toTask } from './map';

// biome-ignore lint/suspicious/noExplicitAny: the library's objects are handled reflectively
type Any = any;

export function folderId(folder: FolderRef): Any {
  return new ews.FolderId(folder.id);
}

export function propsFor(kind: FolderKind, withBody = true): Any {
  const S = ews;
  let defs: Any[];
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

export function convert(kind: FolderKind, item: Any, withBody: boolean): ExchangeItem | null {
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
