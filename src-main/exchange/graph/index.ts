/**
 * Microsoft Graph backend (Exchange Online). Which token it gets — the app's sign-in, a stored MSAL cache signed in
 * silently, a bare token — is decided by the wiring (src-main/wiring/exchange.ts), which loads this module on
 * demand. `auth` is normally a {@link GraphSignIn} (MSAL public client, ./auth.ts); tests pass a static token.
 */
export type { GraphSignInOptions, TokenCacheStore } from './auth';
export { authorityConfig, GRAPH_SCOPES, GraphSignIn } from './auth';

export type { GraphBackendOptions } from './backend';
export { GraphBackend } from './backend';
export type { GraphAuth, GraphHttpOptions } from './http';
