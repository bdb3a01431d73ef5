/**
 * Every sentence the main process and the engine show to the user, in English and Czech.
 *
 * Two ways they reach the screen:
 * - Answers to a renderer call (connection test, Autodiscover, Validate, export, problems, settings issues) are
 *   formatted by main in the UI language of the moment ({@link tr}).
 * - What the engine records (a run's message, a part's attention) carries a {@link Note} — key and parameters — next
 *   to its English text (kept for logs and the CLI), so the overview, the log, the tray and notifications show it in
 *   the language chosen when they are looked at, also for runs recorded before the language changed.
 *
 * Placeholders are `{name}`. An entry with plural forms is chosen by `params.count` with `Intl.PluralRules`
 * (Czech: one = 1, few = 2–4, other = 0 and 5+). Imported by main, the engine and the renderer: no dependencies.
 */
export type Locale = 'cs' | 'en';

interface Plural {
  one: string;
  few?: string;
  other: string;
}
type Entry = string | Plural;

const en = {
  // ---- settings issues ----
  'config.required': 'is required',
  'config.url': 'must be a URL like https://server:port',
  'config.email': 'must be an e-mail address',
  'config.date': 'use YYYY-MM-DD',
  'config.mustBeObject': 'must be an object',
  'config.typeInBothParts':
    'activity type {type} is chosen for both the calendar and tasks with overlapping series; choose it for one part only or split the series',
  'config.newItemType':
    'items created in Outlook need an ABRA activity type and series (newItemTypeId, newItemQueueId) when the direction includes Exchange → ABRA',
  'config.chooseType': 'choose at least one ABRA activity type for this part',
  'config.mailType': 'archived e-mail needs an ABRA activity type and series (activityTypeId, queueId)',
  'config.locked': "{path} is locked by your administrator's policy{source} and cannot be changed",

  // ---- what is missing before the engine can run ----
  'setup.notSetUp':
    'The connections are not set up yet: enter your ABRA Gen server and your mailbox (Connections).',
  'setup.missing.abraPassword': 'The ABRA password is not stored yet (Connections → ABRA).',
  'setup.missing.abraToken': 'The ABRA user token is not stored yet (Connections → ABRA).',
  'setup.missing.exchangePassword': 'The Exchange password is not stored yet (Connections → Exchange).',
  'setup.missing.microsoft': 'Sign in with Microsoft first (Connections → Exchange).',
  'setup.enter.abraPassword': 'Enter the ABRA password first.',
  'setup.enter.abraToken': 'Enter the ABRA user token first.',
  'setup.cannotSyncYet': 'Cannot sync yet: {reasons}',
  'setup.engineNotRunning': 'The sync engine is not running.',
  'setup.saveConnectionsFirst': 'Save the connection settings first (Connections).',

  // ---- connection test: ABRA ----
  'abra.connected': 'Connected to ABRA Gen as {who}.',
  'abra.unreachable':
    'Cannot reach the ABRA server {host}. Check the server address and port, and that this computer is on the company network or VPN.',
  'abra.timeout': 'The ABRA server {host} did not answer in time. Try again later or check the address.',
  'abra.tls':
    "The ABRA server's TLS certificate is not trusted ({detail}). Ask your administrator for the company CA certificate or the server certificate's fingerprint and enter it under Advanced.",
  'abra.authToken':
    'ABRA rejected the login "{login}" with the stored user token. Check the login and enter the token again.',
  'abra.authPassword':
    'ABRA rejected the login "{login}" or the password. Check both and enter the password again.',
  'abra.forbidden':
    'The ABRA user "{login}" has no right to use the ABRA Gen Web API. Ask your ABRA administrator to grant it.',
  'abra.notFound':
    'The ABRA server has no Web API connection named "{connection}". Check the connection name (ask your ABRA administrator).',
  'abra.malformed':
    'The server at {host} does not answer like the ABRA Gen Web API (perhaps a wrong port or a proxy page).',
  'abra.failed': 'Connecting to ABRA failed: {detail}',

  // ---- connection test: Exchange Server (EWS) ----
  'ews.connected': 'Connected to the mailbox <{email}>{version}.',
  'ews.connectedAs': 'Connected to the mailbox of {name} <{email}>{version}.',
  'ews.unreachable':
    'Cannot reach the Exchange server{host}. Check the EWS address and that this computer is on the company network or VPN.',
  'ews.timeout': 'The Exchange server did not answer in time. Try again later.',
  'ews.tls':
    'The TLS certificate of the Exchange server is not trusted ({detail}). Ask your administrator for the company CA certificate.',
  'ews.auth':
    'The Exchange server rejected the user name or password for {user}. Check both and enter the password again.',
  'ews.forbidden':
    'Signed in, but access to the mailbox {email} through EWS is not allowed. Ask your Exchange administrator to enable EWS for it.',
  'ews.notFound': 'The mailbox {email} was not found. Check the e-mail address and the EWS address.',
  'ews.notFoundOn':
    'The mailbox {email} was not found on {host}. Check the e-mail address and the EWS address.',
  'ews.malformed': 'The address {host} does not answer like Exchange Web Services. Check the EWS URL.',
  'ews.failed': 'Connecting to the Exchange server failed: {detail}',
  'ews.oauthNeedsUrl':
    'Signing in with OAuth to Exchange Server needs its EWS address (https://mail.<your company>/EWS/Exchange.asmx): enter it first.',

  // ---- connection test: Microsoft 365 (Graph) ----
  'graph.unreachable':
    'Cannot reach Microsoft 365{host}. Check that this computer is connected to the internet (and the proxy, if your company uses one).',
  'graph.timeout': 'Microsoft 365 did not answer in time. Try again later.',
  'graph.tls':
    'The TLS certificate of Microsoft 365 is not trusted ({detail}). A company proxy may be inspecting the connection: ask your administrator for its CA certificate.',
  'graph.auth': 'The Microsoft 365 sign-in has expired or was revoked. Sign in again.',
  'graph.forbidden':
    'Signed in, but the app may not access this mailbox (missing consent or permissions). Ask your Microsoft 365 administrator.',
  'graph.notFound': 'The mailbox {email} was not found in Microsoft 365. Check the e-mail address.',
  'graph.malformed': 'The address {host} does not answer like Microsoft Graph. Check the Graph address.',
  'graph.failed': 'Connecting to Microsoft 365 failed: {detail}',
  'graph.signedIn': 'Signed in to Microsoft 365 as {who}.',
  'graph.signInUnavailable': 'Microsoft 365 sign-in is not available in this version.',

  // ---- Autodiscover ----
  'autodiscover.found': 'Found the EWS address for {email}: {url}',
  'autodiscover.unavailable':
    'Autodiscover is not available in this version; enter the EWS address (usually https://mail.<your company>/EWS/Exchange.asmx).',
  'autodiscover.needsPassword':
    'Autodiscover needs your Exchange password: store the correct password for {email}, then try again.',
  'autodiscover.tls':
    'Autodiscover reached a server whose TLS certificate is not trusted ({detail}). Ask your administrator for the CA certificate, or enter the EWS address by hand.',
  'autodiscover.notFound':
    'Autodiscover found no Exchange server for {email}. Enter the EWS address by hand (usually https://mail.<your company>/EWS/Exchange.asmx).',
  'autodiscover.failed': 'Autodiscover failed: {detail}',

  // ---- ABRA where expression ----
  'where.validFirms': {
    one: 'The expression is valid; it matches {count} firm.',
    other: 'The expression is valid; it matches {count} firms.',
  },
  'where.validActivities': {
    one: 'The expression is valid; it matches {count} activity.',
    other: 'The expression is valid; it matches {count} activities.',
  },
  'where.rejected': 'ABRA does not accept the expression: {detail}',

  // ---- diagnostics ----
  'diagnostics.saved': 'Diagnostics saved to {file}',
  'diagnostics.failed': 'Could not export diagnostics: {detail}',

  // ---- the engine's run messages ----
  'run.abraEmpty':
    'ABRA returned no records for this part although {count} are linked; nothing was changed. Check the connection and the filter.',
  'run.exchangeEmpty':
    'Exchange returned no items for this part although {count} are linked; nothing was changed. Check the mailbox and folder.',
  'run.massDelete':
    'This run would delete {count} of {total} synced items in {side}. Nothing was changed; confirm to continue.',
  'run.stopped': 'stopped before the end (the app is quitting)',
  'run.folderGone':
    "the sync's folder was deleted in Outlook: it was made anew and this part was synced again at once",
  'run.noAbraPassword': 'no ABRA Gen password is stored; enter it in Connections',
  'run.noAbraToken': 'no ABRA Gen user token is stored; enter it in Connections',
  'run.noExchangePassword': 'no Exchange password is stored; enter it in Connections',
  'run.notSignedIn': 'not signed in to Microsoft 365; sign in under Connections',
  'run.ewsOauthCli':
    "the command line cannot use the app's Microsoft sign-in for Exchange Server (EWS): give an EWS access token in EXCHANGE_TOKEN",
  'abra.activity.noQueue':
    'ABRA needs an activity series (ActQueue_ID) for new activities of {part}: choose one in What to sync → {part}.',
  'abra.activity.noSolverRole':
    'ABRA needs a solver role (SolverRole_ID) for new activities of {part}, and the activity type has none: choose one in What to sync → {part}.',
  'abra.activity.noDivision':
    'ABRA needs a division (Division_ID) for new activities of {part}, and the activity type has none: choose one in What to sync → {part}.',
  'mail.noAccount':
    'The e-mail archive needs your own ABRA e-mail account (Vlastní e-mailový účet): no account in ABRA matches {email}. Choose one in What to sync → E-mail (emailAccountId).',
  'mail.sentStateRefused':
    'The e-mail archive stopped before writing anything: this ABRA server does not accept a sent e-mail created as "already sent" (SentState 2) — {reason}. Archiving sent mail any other way could make ABRA send it to the recipients again. Ask your ABRA administrator; nothing was written.',
  'preflight.noDocs': 'ABRA did not give its API description (api-docs): {detail}',
  'preflight.noCollection': 'this ABRA server has no {collection} (not in its API description)',
  'preflight.missingField':
    'this ABRA server has no field {field} in {collection} (not in its API description)',
  'preflight.refused': 'ABRA refuses {field} in {collection}: {detail}',
  'preflight.partOk': '{part}: accepted ({count} fields checked; dry-run write: {validated})',
  'preflight.partFailed': {
    one: '{part}: {count} problem',
    other: '{part}: {count} problems',
  },
  'preflight.blocked':
    '{part} does not write to ABRA yet: the check against this ABRA server found problems — {problems}',
} satisfies Record<string, Entry>;

export type MessageKey = keyof typeof en;

const cs: Record<MessageKey, Entry> = {
  'config.required': 'je povinné',
  'config.url': 'musí být adresa, např. https://server:port',
  'config.email': 'musí být e-mailová adresa',
  'config.date': 'zadejte datum ve tvaru RRRR-MM-DD',
  'config.mustBeObject': 'musí být objekt',
  'config.typeInBothParts':
    'typ aktivity {type} je vybrán pro kalendář i úkoly s překrývajícími se řadami; vyberte ho jen pro jednu část, nebo rozdělte řady',
  'config.newItemType':
    'položky vytvořené v Outlooku potřebují typ aktivity a řadu v ABRA (newItemTypeId, newItemQueueId), když směr zahrnuje Exchange → ABRA',
  'config.chooseType': 'vyberte pro tuto část alespoň jeden typ aktivity ABRA',
  'config.mailType': 'archivovaná pošta potřebuje typ aktivity a řadu v ABRA (activityTypeId, queueId)',
  'config.locked': '{path} je uzamčeno zásadami správce{source} a nelze to změnit',

  'setup.notSetUp':
    'Připojení zatím nejsou nastavena: zadejte svůj server ABRA Gen a poštovní schránku (Připojení).',
  'setup.missing.abraPassword': 'Heslo k ABRA zatím není uloženo (Připojení → ABRA).',
  'setup.missing.abraToken': 'Uživatelský token ABRA zatím není uložen (Připojení → ABRA).',
  'setup.missing.exchangePassword': 'Heslo k Exchange zatím není uloženo (Připojení → Exchange).',
  'setup.missing.microsoft': 'Nejprve se přihlaste účtem Microsoft (Připojení → Exchange).',
  'setup.enter.abraPassword': 'Nejprve zadejte heslo k ABRA.',
  'setup.enter.abraToken': 'Nejprve zadejte uživatelský token ABRA.',
  'setup.cannotSyncYet': 'Zatím nelze synchronizovat: {reasons}',
  'setup.engineNotRunning': 'Synchronizace neběží.',
  'setup.saveConnectionsFirst': 'Nejprve uložte nastavení připojení (Připojení).',

  'abra.connected': 'Připojeno k ABRA Gen jako {who}.',
  'abra.unreachable':
    'Server ABRA {host} není dostupný. Zkontrolujte adresu a port serveru a zda je počítač připojen k firemní síti nebo VPN.',
  'abra.timeout': 'Server ABRA {host} neodpověděl včas. Zkuste to později nebo zkontrolujte adresu.',
  'abra.tls':
    'Certifikátu TLS serveru ABRA se nedá důvěřovat ({detail}). Požádejte správce o certifikát firemní certifikační autority nebo o otisk certifikátu serveru a zadejte ho v části Pokročilé.',
  'abra.authToken':
    'ABRA odmítla přihlášení „{login}“ s uloženým uživatelským tokenem. Zkontrolujte přihlašovací jméno a zadejte token znovu.',
  'abra.authPassword':
    'ABRA odmítla přihlašovací jméno „{login}“ nebo heslo. Zkontrolujte obojí a zadejte heslo znovu.',
  'abra.forbidden':
    'Uživatel ABRA „{login}“ nemá právo používat Web API ABRA Gen. Požádejte správce ABRA, aby mu ho přidělil.',
  'abra.notFound':
    'Server ABRA nemá připojení Web API s názvem „{connection}“. Zkontrolujte název připojení (zeptejte se správce ABRA).',
  'abra.malformed':
    'Server {host} neodpovídá jako Web API ABRA Gen (možná je zadán špatný port nebo odpovídá proxy).',
  'abra.failed': 'Připojení k ABRA selhalo: {detail}',

  'ews.connected': 'Připojeno ke schránce <{email}>{version}.',
  'ews.connectedAs': 'Připojeno ke schránce uživatele {name} <{email}>{version}.',
  'ews.unreachable':
    'Server Exchange{host} není dostupný. Zkontrolujte adresu EWS a zda je počítač připojen k firemní síti nebo VPN.',
  'ews.timeout': 'Server Exchange neodpověděl včas. Zkuste to později.',
  'ews.tls':
    'Certifikátu TLS serveru Exchange se nedá důvěřovat ({detail}). Požádejte správce o certifikát firemní certifikační autority.',
  'ews.auth':
    'Server Exchange odmítl uživatelské jméno nebo heslo pro {user}. Zkontrolujte obojí a zadejte heslo znovu.',
  'ews.forbidden':
    'Přihlášení proběhlo, ale přístup ke schránce {email} přes EWS není povolen. Požádejte správce Exchange, aby ho povolil.',
  'ews.notFound': 'Schránka {email} nebyla nalezena. Zkontrolujte e-mailovou adresu a adresu EWS.',
  'ews.notFoundOn':
    'Schránka {email} nebyla na serveru {host} nalezena. Zkontrolujte e-mailovou adresu a adresu EWS.',
  'ews.malformed': 'Adresa {host} neodpovídá jako Exchange Web Services. Zkontrolujte adresu EWS.',
  'ews.failed': 'Připojení k serveru Exchange selhalo: {detail}',
  'ews.oauthNeedsUrl':
    'Přihlášení OAuth k Exchange Serveru potřebuje jeho adresu EWS (https://mail.<vaše firma>/EWS/Exchange.asmx): nejprve ji zadejte.',

  'graph.unreachable':
    'Microsoft 365{host} není dostupný. Zkontrolujte, zda je počítač připojen k internetu (a proxy, pokud ji firma používá).',
  'graph.timeout': 'Microsoft 365 neodpověděl včas. Zkuste to později.',
  'graph.tls':
    'Certifikátu TLS služby Microsoft 365 se nedá důvěřovat ({detail}). Spojení možná kontroluje firemní proxy: požádejte správce o její certifikát.',
  'graph.auth': 'Přihlášení k Microsoft 365 vypršelo nebo bylo odvoláno. Přihlaste se znovu.',
  'graph.forbidden':
    'Přihlášení proběhlo, ale aplikace nemá přístup k této schránce (chybí souhlas nebo oprávnění). Obraťte se na správce Microsoft 365.',
  'graph.notFound': 'Schránka {email} nebyla v Microsoft 365 nalezena. Zkontrolujte e-mailovou adresu.',
  'graph.malformed': 'Adresa {host} neodpovídá jako Microsoft Graph. Zkontrolujte adresu Graph.',
  'graph.failed': 'Připojení k Microsoft 365 selhalo: {detail}',
  'graph.signedIn': 'Přihlášeno k Microsoft 365 jako {who}.',
  'graph.signInUnavailable': 'Přihlášení k Microsoft 365 není v této verzi k dispozici.',

  'autodiscover.found': 'Adresa EWS pro {email} nalezena: {url}',
  'autodiscover.unavailable':
    'Automatické zjišťování není v této verzi k dispozici; zadejte adresu EWS (obvykle https://mail.<vaše firma>/EWS/Exchange.asmx).',
  'autodiscover.needsPassword':
    'Automatické zjišťování potřebuje vaše heslo k Exchange: uložte správné heslo pro {email} a zkuste to znovu.',
  'autodiscover.tls':
    'Automatické zjišťování narazilo na server, jehož certifikátu TLS se nedá důvěřovat ({detail}). Požádejte správce o certifikát certifikační autority, nebo zadejte adresu EWS ručně.',
  'autodiscover.notFound':
    'Automatické zjišťování nenašlo pro {email} žádný server Exchange. Zadejte adresu EWS ručně (obvykle https://mail.<vaše firma>/EWS/Exchange.asmx).',
  'autodiscover.failed': 'Automatické zjišťování selhalo: {detail}',

  'where.validFirms': {
    one: 'Výraz je platný; odpovídá mu {count} firma.',
    few: 'Výraz je platný; odpovídají mu {count} firmy.',
    other: 'Výraz je platný; odpovídá mu {count} firem.',
  },
  'where.validActivities': {
    one: 'Výraz je platný; odpovídá mu {count} aktivita.',
    few: 'Výraz je platný; odpovídají mu {count} aktivity.',
    other: 'Výraz je platný; odpovídá mu {count} aktivit.',
  },
  'where.rejected': 'ABRA výraz nepřijala: {detail}',

  'diagnostics.saved': 'Diagnostika uložena do {file}',
  'diagnostics.failed': 'Diagnostiku se nepodařilo uložit: {detail}',

  'run.abraEmpty':
    'ABRA pro tuto část nevrátila žádné záznamy, přestože je propojeno {count} položek; nic se nezměnilo. Zkontrolujte připojení a filtr.',
  'run.exchangeEmpty':
    'Exchange pro tuto část nevrátil žádné položky, přestože je propojeno {count} položek; nic se nezměnilo. Zkontrolujte schránku a složku.',
  'run.massDelete':
    'Tento běh by smazal {count} z {total} synchronizovaných položek v {side}. Nic se nezměnilo; pro pokračování smazání potvrďte.',
  'run.stopped': 'zastaveno před koncem (aplikace se ukončuje)',
  'run.folderGone':
    'složka synchronizace byla v Outlooku smazána: byla vytvořena znovu a tato část se hned synchronizovala znovu',
  'run.noAbraPassword': 'heslo k ABRA Gen není uloženo; zadejte ho v Připojení',
  'run.noAbraToken': 'uživatelský token ABRA Gen není uložen; zadejte ho v Připojení',
  'run.noExchangePassword': 'heslo k Exchange není uloženo; zadejte ho v Připojení',
  'run.notSignedIn': 'nejste přihlášeni k Microsoft 365; přihlaste se v Připojení',
  'run.ewsOauthCli':
    'příkazový řádek nemůže použít přihlášení Microsoft z aplikace pro Exchange Server (EWS): zadejte přístupový token EWS v EXCHANGE_TOKEN',
  'abra.activity.noQueue':
    'ABRA vyžaduje u nových aktivit ({part}) řadu aktivit (ActQueue_ID): vyberte ji v Co synchronizovat → {part}.',
  'abra.activity.noSolverRole':
    'ABRA vyžaduje u nových aktivit ({part}) roli řešitele (SolverRole_ID) a typ aktivity žádnou nemá: vyberte ji v Co synchronizovat → {part}.',
  'abra.activity.noDivision':
    'ABRA vyžaduje u nových aktivit ({part}) středisko (Division_ID) a typ aktivity žádné nemá: vyberte ho v Co synchronizovat → {part}.',
  'mail.noAccount':
    'Archiv pošty potřebuje váš vlastní e-mailový účet v ABRA: žádný účet v ABRA neodpovídá adrese {email}. Vyberte ho v Co synchronizovat → E-mail (emailAccountId).',
  'mail.sentStateRefused':
    'Archiv pošty se zastavil dřív, než cokoli zapsal: tento server ABRA nepřijímá odeslaný e-mail založený jako „odesláno“ (SentState 2) — {reason}. Jakékoli jiné uložení odeslané pošty by mohlo ABRA přimět poslat ji adresátům znovu. Obraťte se na správce ABRA; nic nebylo zapsáno.',
  'preflight.noDocs': 'ABRA neposkytla popis svého API (api-docs): {detail}',
  'preflight.noCollection': 'tento server ABRA nemá {collection} (není v popisu jeho API)',
  'preflight.missingField': 'tento server ABRA nemá v {collection} položku {field} (není v popisu jeho API)',
  'preflight.refused': 'ABRA odmítá položku {field} v {collection}: {detail}',
  'preflight.partOk': '{part}: přijato (zkontrolováno položek: {count}; zkušební zápis: {validated})',
  'preflight.partFailed': {
    one: '{part}: {count} problém',
    few: '{part}: {count} problémy',
    other: '{part}: {count} problémů',
  },
  'preflight.blocked':
    '{part} zatím do ABRA nezapisuje: kontrola proti tomuto serveru ABRA našla problémy — {problems}',
};

export const MESSAGES: Record<Locale, Record<MessageKey, Entry>> = { en, cs };

export type MessageParams = Record<string, string | number>;

/** A sentence to be shown later in whatever language the user has then: its key and parameters. */
export interface Note {
  key: MessageKey;
  params?: MessageParams;
}

export function note(key: MessageKey, params?: MessageParams): Note {
  return params ? { key, params } : { key };
}

export function isMessageKey(key: unknown): key is MessageKey {
  return typeof key === 'string' && Object.hasOwn(en, key);
}

const pluralRules = new Map<Locale, Intl.PluralRules>();

function pick(locale: Locale, entry: Entry, params: MessageParams | undefined): string {
  if (typeof entry === 'string') return entry;
  const count = typeof params?.count === 'number' ? params.count : Number.NaN;
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  const form = Number.isFinite(count) ? rules.select(count) : 'other';
  if (form === 'one') return entry.one;
  if (form === 'few') return entry.few ?? entry.other;
  return entry.other;
}

/** The sentence for `key` in `locale` with `{name}` placeholders filled in (unknown placeholders stay visible). */
export function tr(locale: Locale, key: MessageKey, params?: MessageParams): string {
  const entry = MESSAGES[locale][key] ?? en[key];
  return pick(locale, entry, params).replace(/\{(\w+)\}/g, (whole, name: string) =>
    params && Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/**
 * What a record says: given English words (with the note that goes with them, if any), or a note whose English
 * text is derived from it.
 */
export function wordsOf(said: string | Note | undefined, why?: Note): { message?: string; note?: Note } {
  if (typeof said === 'object') return { message: tr('en', said.key, said.params), note: said };
  return { ...(said !== undefined ? { message: said } : {}), ...(why ? { note: why } : {}) };
}

/**
 * A recorded note in `locale`; `fallback` (the English text recorded with it) when there is none or its key is
 * unknown (a run recorded by a newer or older version).
 */
export function noteText(locale: Locale, n: Note | undefined, fallback = ''): string {
  if (!n || !isMessageKey(n.key)) return fallback;
  return tr(locale, n.key, n.params);
}
