/**
 * Graph JSON ⇄ the backend-neutral item shapes of ../types.ts, one file per kind: ./map-contact.ts, ./map-event.ts,
 * ./map-task.ts, ./map-message.ts; what they share (property ids, dates, addresses) is ./map-common.ts.
 */
export {
  ABRA_ID_PROP,
  base,
  expandOf,
  extValue,
  FAX_PROP,
  floatingToUtc,
  fromDtz,
  ITEM_CLASS_PROP,
  iso,
  type Json,
  odataString,
  SENSITIVITY_PROP,
  SIZE_PROP,
  toDtz,
  toLocalMidnight,
} from './map-common';
export { contactFromGraph, contactToGraph } from './map-contact';
export { appointmentFromGraph, appointmentToGraph, eventFromGraph } from './map-event';
export { MESSAGE_SELECT, messageFromGraph } from './map-message';
export { taskFromGraph, taskToGraph } from './map-task';
