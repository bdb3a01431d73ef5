/**
 * The app's log: one text file, rotated by size (`app.log`, `app.log.1`, … `app.log.<keep>`), every line passed
 * through {@link redact} so that a password, token or Authorization header never reaches the disk even when some
 * library puts one into an error message.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';

export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
  log(level: LogLevel, msg: string): void;
}

type Rule = [RegExp, string | ((...m: string[]) => string)];

/**
 * `key: value` in prose ("Password: Heslo nesmí být prázdné", ABRA's own error text) keeps a value that is a plain
 * word; `key=value`, quoted forms and anything with a digit or a sign are redacted. Stored secret values are
 * removed exactly anyway (`known`), whatever they look like.
 */
const secretPair = (whole: string, key: string, value: string): string => {
  const strict = /=\s*$/.test(key) || /["']/.test(key) || /^["']/.test(value);
  if (!strict && /^\p{L}+$/u.test(value)) return whole;
  return `${key}[redacted]`;
};

const RULES: Rule[] = [
  // Authorization: Basic xxx / Bearer xxx (header lines, JSON, inspect output)
  [/(authorization["']?\s*[:=]\s*["']?)(?:basic|bearer|negotiate|ntlm)?\s*[^\s"',;}]+/gi, '$1[redacted]'],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  // key=value and "key": "value" pairs with a secret-like key
  [
    /((?:pass(?:word)?|passwd|pwd|secret|client_secret|token|access_token|refresh_token|id_token|api[_-]?key|tokencache|cookie)["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s&,;}]+)/gi,
    secretPair,
  ],
  // user:password@ in URLs
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+@/gi, '$1[redacted]@'],
  // JWTs anywhere
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[redacted-jwt]'],
];

/** Remove anything that looks like a credential. Also removes the exact `known` secret values, wherever they appear. */
export function redact(text: string, known: readonly string[] = []): string {
  let out = text;
  for (const k of known) if (k && k.length >= 4) out = out.split(k).join('[redacted]');
  for (const [re, rep] of RULES)
    out = typeof rep === 'string' ? out.replace(re, rep) : out.replace(re, (...m: string[]) => rep(...m));
  return out;
}

export interface FileLoggerOptions {
  file: string;
  /** Rotate when the file would grow beyond this (default 2 MB). */
  maxBytes?: number;
  /** Rotated files kept (default 3). */
  keep?: number;
  now?: () => Date;
  /** Also write to the console (development). */
  echo?: boolean;
  /** Exact secret values to scrub as well (e.g. the stored passwords, read lazily). */
  knownSecrets?: () => readonly string[];
}

export function createFileLogger(opts: FileLoggerOptions): Logger & { files(): string[] } {
  const maxBytes = opts.maxBytes ?? 2 * 1024 * 1024;
  const keep = Math.max(1, opts.keep ?? 3);
  const now = opts.now ?? (() => new Date());
  mkdirSync(path.dirname(opts.file), { recursive: true });
  let size = existsSync(opts.file) ? statSync(opts.file).size : 0;

  const rotate = () => {
    rmSync(`${opts.file}.${keep}`, { force: true });
    for (let i = keep - 1; i >= 1; i--)
      if (existsSync(`${opts.file}.${i}`)) renameSync(`${opts.file}.${i}`, `${opts.file}.${i + 1}`);
    if (existsSync(opts.file)) renameSync(opts.file, `${opts.file}.1`);
    size = 0;
  };

  const log = (level: LogLevel, msg: string) => {
    const line = `${now().toISOString()} ${level.toUpperCase().padEnd(5)} ${redact(msg, opts.knownSecrets?.() ?? []).replace(/\r?\n/g, '\n    ')}\n`;
    const bytes = Buffer.byteLength(line);
    try {
      if (size > 0 && size + bytes > maxBytes) rotate();
      appendFileSync(opts.file, line, { mode: 0o600 });
      size += bytes;
    } catch {
      // logging must never break the app
    }
    if (opts.echo) (level === 'error' ? console.error : console.log)(line.trimEnd());
  };

  return {
    log,
    info: (m) => log('info', m),
    warn: (m) => log('warn', m),
    error: (m) => log('error', m),
    files: () =>
      [opts.file, ...Array.from({ length: keep }, (_, i) => `${opts.file}.${i + 1}`)].filter((f) =>
        existsSync(f),
      ),
  };
}

/** A logger that drops everything (tests). */
export const nullLogger: Logger = {
  log: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};
