/**
 * The one entry point to ews-javascript-api: it installs the Node ≥ 23 polyfill first (ES modules evaluate their
 * imports in order), then re-exports the library. Import `ews` from here, never from 'ews-javascript-api'.
 */
import './polyfill';
import * as ews from 'ews-javascript-api';

export { ews };
