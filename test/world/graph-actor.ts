/**
 * The salesperson in Outlook, over the Graph emulator: the same {@link OutlookActor} the end-to-end harness uses for
 * EWS, so scenarios can run against either backend.
 */

import { ABRA_ID_PROP, type GraphEmulator } from '../emulators/graph/index';
import type { Doc } from '../emulators/graph/store';
import type { OutlookActor, OutlookItem } from './harness';

function abraId(d: Doc): string | undefined {
  return (d.singleValueExtendedProperties as { id: string; value: string }[] | undefined)?.find(
    (p) => p.id.toLowerCase() === ABRA_ID_PROP.toLowerCase(),
  )?.value;
}

const instant = (v: unknown): string | undefined => {
  const d = v as { dateTime?: string } | undefined;
  return d?.dateTime ? new Date(`${d.dateTime.slice(0, 23)}Z`).toISOString() : undefined;
};

export function graphActor(emu: GraphEmulator): OutlookActor {
  const c = emu.control;
  return {
    deleteContactFolder: () => c.removeContactFolder('ABRA Gen'),
    contacts: () => {
      const f = c.contactFolderId('ABRA Gen');
      return f
        ? c.list('contact', f).map(
            (d): OutlookItem => ({
              id: String(d.id),
              subject: String(d.displayName ?? ''),
              company: (d.companyName as string | null) ?? undefined,
              emails: ((d.emailAddresses as { address: string }[]) ?? []).map((e) => e.address),
              abraId: abraId(d),
            }),
          )
        : [];
    },
    appointments: () =>
      c.list('event').map(
        (d): OutlookItem => ({
          id: String(d.id),
          subject: String(d.subject ?? ''),
          start: instant(d.start),
          end: instant(d.end),
          abraId: abraId(d),
          kind: d.type === 'seriesMaster' ? 'RecurringMaster' : 'Single',
        }),
      ),
    tasks: () => {
      const l = c.todoListId('ABRA Gen');
      return l
        ? c.list('task', l).map(
            (d): OutlookItem => ({
              id: String(d.id),
              subject: String(d.title ?? ''),
              due: instant(d.dueDateTime),
              status: String(d.status ?? ''),
              abraId: abraId(d),
            }),
          )
        : [];
    },
    createAppointment: (f) => {
      if (f.weekly) {
        return c.createWeeklySeries({
          subject: f.subject,
          start: f.start,
          durationMinutes: Math.round((Date.parse(f.end) - Date.parse(f.start)) / 60_000),
          count: f.weekly.count,
        }).masterId;
      }
      return String(
        c.createEvent({
          subject: f.subject,
          start: { dateTime: f.start.replace('Z', ''), timeZone: 'UTC' },
          end: { dateTime: f.end.replace('Z', ''), timeZone: 'UTC' },
          location: { displayName: f.location ?? '' },
        }).id,
      );
    },
    deleteOccurrence: (id, i) => {
      c.cancelOccurrence(id, i);
    },
    createTask: (f) => {
      return String(
        c.createTask('ABRA Gen', {
          title: f.subject,
          ...(f.due ? { dueDateTime: { dateTime: f.due.replace('Z', ''), timeZone: 'UTC' } } : {}),
        }).id,
      );
    },
    edit: (id, f) => {
      // EWS-style field names of the shared scenarios → Graph's
      const patch: Doc = {};
      for (const [k, v] of Object.entries(f)) {
        if (k === 'subject') {
          const kind = c.get(id)?.title !== undefined ? 'title' : 'subject';
          patch[kind] = v;
        } else if (k === 'companyName') patch.companyName = v;
        else if (k === 'status') patch.status = String(v).charAt(0).toLowerCase() + String(v).slice(1);
        else if (k === 'start' || k === 'end')
          patch[k] = { dateTime: String(v).replace('Z', ''), timeZone: 'UTC' };
        else patch[k] = v;
      }
      c.update(id, patch);
    },
    remove: (id) => c.remove(id),
    deliverMail: (mime) => {
      c.deliver(mime, 'inbox');
    },
  };
}
