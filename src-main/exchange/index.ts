/**
 * The Exchange side: the EWS backend for on-premises Exchange (and Exchange Online while EWS lasts) and the types
 * every backend shares. The Microsoft Graph backend (./graph) is loaded on demand by the wiring, which alone
 * decides how to connect (src-main/wiring/exchange.ts).
 */
export { EwsBackend } from './ews/backend';
export * from './types';
