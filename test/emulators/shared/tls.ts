/**
 * The emulators' TLS identity (tests only): a self-signed certificate for 127.0.0.1 and localhost. Clients trust it
 * by taking TLS_CERT as their CA. Its SHA-256 signature makes its RFC 5929 `tls-server-end-point` hash SHA-256.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const TLS_CERT = readFileSync(path.join(import.meta.dirname, 'tls', 'cert.pem'), 'utf8');
export const TLS_KEY = readFileSync(path.join(import.meta.dirname, 'tls', 'key.pem'), 'utf8');
