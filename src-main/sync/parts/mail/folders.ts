/** Which mailbox folders the archive reads: Inbox and Sent Items (fixed direction) and the chosen folders by path. */
import type { RunContext } from '../../ports';
import type { FolderSpec, MailSettings } from './message';

/** A configured folder pattern against a folder path: case-insensitive, `/*` at the end takes the subfolders too. */
export function folderMatches(pattern: string, path: string): boolean {
  const norm = (s: string) =>
    s
      .split('/')
      .map((x) => x.trim().toLowerCase())
      .filter(Boolean)
      .join('/');
  const p = norm(pattern);
  const f = norm(path);
  if (p.endsWith('/*')) {
    const base = p.slice(0, -2);
    return f === base || f.startsWith(`${base}/`);
  }
  if (p === '*') return true;
  return p === f;
}

export async function resolveFolders(
  ctx: RunContext,
  cfg: Pick<MailSettings, 'includeInbox' | 'includeSent' | 'folders'>,
): Promise<FolderSpec[]> {
  const out: FolderSpec[] = [];
  if (cfg.includeInbox) out.push({ ref: await ctx.exchange.getFolder('inbox'), direction: 'received' });
  if (cfg.includeSent) out.push({ ref: await ctx.exchange.getFolder('sentitems'), direction: 'sent' });
  if (cfg.folders.length) {
    const all = await ctx.exchange.listMailFolders();
    for (const f of all) {
      const path = f.path ?? f.displayName;
      if (!cfg.folders.some((p) => folderMatches(p, path))) continue;
      if (out.some((o) => o.ref.id === f.id)) continue;
      out.push({ ref: f });
    }
  }
  return out;
}
