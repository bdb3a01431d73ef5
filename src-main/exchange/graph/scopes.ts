/**
 * Delegated permissions the app registration must grant (see docs/graph.md). A module of its own so that the app
 * can name them without loading the sign-in (MSAL) before a Microsoft sign-in is needed.
 */
export const GRAPH_SCOPES = [
  'https://graph.microsoft.com/User.Read',
  'https://graph.microsoft.com/Contacts.ReadWrite',
  'https://graph.microsoft.com/Calendars.ReadWrite',
  'https://graph.microsoft.com/Tasks.ReadWrite',
  'https://graph.microsoft.com/Mail.Read',
];
