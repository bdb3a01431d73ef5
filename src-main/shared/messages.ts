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
    'The TLS certificate of the ABRA server {host} is not trusted ({detail}). Ask your administrator for the company CA certificate or the server certificate\'s SHA-256 fingerprint and enter it under "Self-signed server certificate".',
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
  'connections.testCancelled': 'The test was cancelled.',
  'discover.auth.ntlm':
    'Sign-in method: Windows (NTLM), which the server offers; the password itself is not sent.',
  'discover.auth.basic': 'Sign-in method: user name and password (Basic), the one the server offers.',
  'discover.auth.oauth': 'The server accepts only a Microsoft 365 sign-in (modern authentication).',
  'discover.signInMicrosoft':
    'This mailbox signs in with a Microsoft account: click "Sign in with Microsoft" under "For administrators" (your administrator gives the application ID).',
  'ews.tls':
    'The TLS certificate of the Exchange server is not trusted ({detail}). Ask your administrator for the company CA certificate and paste it under "For administrators" → "Company CA certificate (PEM)".',
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
  'preview.saveConnectionsFirst':
    'The connections were changed but not saved: save them (Connections) before previewing the parts.',
  'run.ewsOauthCli':
    "the command line cannot use the app's Microsoft sign-in for Exchange Server (EWS): give an EWS access token in EXCHANGE_TOKEN",
  'run.xmlCharsRemoved': {
    one: 'written without {count} character that Exchange cannot store (a control character such as a vertical tab pasted from Excel)',
    other:
      'written without {count} characters that Exchange cannot store (control characters such as a vertical tab pasted from Excel)',
  },

  // ---- Exchange 2007 legacy mode (#19) ----
  'ews.legacyMode':
    " Exchange 2007: legacy mode, tested against Microsoft's Exchange 2007 schema, not a live server; upgrading Exchange is recommended.",
  'ews.exchange2007Sp1':
    'The Exchange server is Exchange 2007 before Service Pack 2, which this app does not support. Install Service Pack 3 for Exchange 2007 (or better, upgrade Exchange).',
  'ews.legacyTlsOnly':
    'The Exchange server offers only an old TLS version (1.0 or 1.1), which this app refuses. Ask your IT administrator to enable TLS 1.2 on the server (recommended), or to allow legacy TLS for this one server in the admin policy file ("sync": { "exchange": { "legacyTlsHost": "<server name>" } }).',
  'ews.legacyTlsInUse':
    ' The connection uses the old {protocol}, as the admin policy allows for this server only; it is weaker than TLS 1.2.',

  // ---- security: where credentials may go (issue: security review) ----
  'autodiscover.confirmRedirect':
    'Autodiscover for {email} was sent on to the server {host}. Send your Exchange sign-in to {host}? Agree only if {host} belongs to your company or to Microsoft.',
  'autodiscover.redirectRefused':
    'Autodiscover for {email} points to the server {host}, which was not confirmed; nothing was sent there. Enter the EWS address by hand, or try again and confirm the server.',
  'autodiscover.passwordForDomain':
    'The saved Exchange password was entered for another address. Enter the password for {email} again, then try again.',
  'secrets.confirmNewServer':
    'The saved {secret} was entered for another server. Use it for {host} too? Agree only if you trust {host}.',
  'secrets.notForThisServer':
    'The saved {secret} was entered for another server; it is not sent to {host}. Enter it again for this server.',
  'config.cleartextAbra':
    'must start with https:// — over http:// the ABRA password or token would travel readable by anyone on the network (http:// is accepted only for this computer: 127.0.0.1, localhost)',
  'config.cleartextGraph':
    'must start with https:// — over http:// the Microsoft access token would travel readable by anyone on the network (http:// is accepted only for this computer: 127.0.0.1, localhost)',
  'config.cleartextEws':
    'must start with https:// — over http:// the Exchange sign-in would travel readable by anyone on the network (http:// is accepted only for this computer: 127.0.0.1, localhost)',
  'config.profileName':
    'may contain only letters, digits, dot, dash and underscore (it names a file in the data folder)',
  'engine.locked':
    'Another copy of the sync (the app or the command line) is already working with {file} (process {pid}). Close it first; two copies on one state would create duplicates.',
  'state.recovered':
    "The sync's state file {file} was damaged and was kept as {kept}. A new state was started: the next runs pair the items already synced again by their stamps, without duplicates. Nothing needs to be done; the damaged copy can be given to support.",
  'secretName.abraPassword': 'ABRA password',
  'secretName.abraToken': 'ABRA user token',
  'secretName.exchangePassword': 'Exchange password',
  'secretName.graphTokenCache': 'Microsoft sign-in',
  'confirm.yes': 'Yes, send it there',
  'confirm.no': 'No',
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
  // "Check against server" also tries Exchange and names its version and mode (#13, #19)
  'preflight.exchange': 'Exchange server {version}: the mailbox {email} answers.',
  'preflight.exchangeFailed': 'Exchange check failed: {detail}',
  // ---- why a run failed, when the connector had no sentence of its own (issue #18: no English in the Czech UI) ----
  'run.exchangeAuth':
    'The Exchange server refused the sign-in: the password was changed or has expired. Enter it again (Connections → Exchange).',
  'run.abraAuth':
    'ABRA refused the login: the password or user token was changed or has expired. Enter it again (Connections → ABRA).',
  'run.tls':
    'The TLS certificate of {host} is not trusted. Ask your administrator for the company CA certificate (Connections).',
  'run.unreachable': 'Cannot reach {host}. Check that this computer is on the company network or VPN.',
  'run.timeout': '{host} did not answer in time. The sync tries again shortly.',
  'run.failed.auth': 'The server refused the sign-in. Enter the password again (Connections).',
  'run.failed.forbidden': 'Signed in, but access was refused. Ask your administrator for the rights.',
  'run.failed.tls':
    "The server's TLS certificate is not trusted. Ask your administrator for the company CA certificate.",
  'run.failed.unreachable':
    'The server cannot be reached. Check the network or VPN; the sync tries again shortly.',
  'run.failed.timeout': 'The server did not answer in time. The sync tries again shortly.',
  'run.failed.malformed':
    'The server gave an answer that cannot be understood (a wrong address or a proxy page?).',
  'run.failed.notFound':
    'Something the sync needs was not found on the server (the mailbox, folder or ABRA connection).',
  'run.failed.transient': 'The server had a passing problem. The sync tries again shortly.',
  'run.failed.throttled': 'The server is busy. The sync tries again shortly.',
  'run.failed.config': 'The settings are not right for the server; check them (Connections, What to sync).',
  'run.failed.validation': 'The server refused the data.',
  'run.failed.conflict': 'The item changed on the server meanwhile; the sync tries again.',
  'run.failed.cursorInvalid': 'The server forgot where the sync left off; the sync reads everything again.',
  'config.abraUrlPath':
    'enter only the server address here, e.g. https://abra.firma.cz:8443; the connection name ("{path}") goes into its own field',
  'config.fingerprint':
    'must be the SHA-256 fingerprint (64 hexadecimal digits); the Windows "Thumbprint" is SHA-1 (40 digits): open the certificate\'s details and copy its SHA-256 fingerprint, or enter the CA certificate instead',
  'autodiscover.needsEmail': 'Enter your e-mail address first; Autodiscover looks the server up from it.',
  // ---- field labels for settings issues answered by main (the same words as the renderer's labels) ----
  'field.abra.serverUrl': 'Web API server URL',
  'field.abra.connection': 'Connection name',
  'field.abra.login': 'ABRA login',
  'field.abra.authMode': 'Sign in with',
  'field.abra.caCertificate': 'CA certificate (PEM)',
  'field.abra.fingerprint256': 'Pinned certificate fingerprint (SHA-256)',
  'field.exchange.email': 'E-mail address',
  'field.exchange.kind': 'Server type',
  'field.exchange.ewsUrl': 'EWS URL',
  'field.exchange.auth': 'Authentication',
  'field.exchange.user': 'User name',
  'field.exchange.domain': 'Windows domain',
  'field.exchange.tenantId': 'Tenant (directory) ID',
  'field.exchange.clientId': 'Application (client) ID',
  'field.exchange.caCertificate': 'Company CA certificate (PEM)',
  'config.caPem':
    "must be a certificate in PEM form (text from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, e.g. the .cer or .crt file saved as Base-64); ask your administrator for the company certification authority's certificate",
  'field.parts.addressBook': 'Address book',
  'field.parts.calendar': 'Calendar',
  'field.parts.tasks': 'Tasks',
  'field.parts.mail': 'E-mail archive',
  // the tray (app/tray-state.ts) and the desktop notifications (app/notifications.ts); part names: field.parts.*
  'tray.syncNow': 'Sync now',
  'tray.pause': 'Pause syncing',
  'tray.resume': 'Resume syncing',
  'tray.settings': 'Settings…',
  'tray.openLog': 'Open log',
  'tray.quit': 'Quit',
  'tray.notSetUp': 'Not set up yet — open Settings',
  'tray.paused': 'Paused',
  'tray.syncing': 'Syncing…',
  'tray.needs': 'Needs your attention',
  'tray.warning': 'Some items keep failing',
  'tray.waiting': 'waits for your preview',
  'tray.failingSince': 'failing; last OK',
  'tray.unassigned': {
    one: '{count} e-mail waits for its firm',
    other: '{count} e-mails wait for their firm',
  },
  'tray.lastOk': 'Last successful sync',
  'tray.never': 'never',
  'tray.noRun': 'not run yet',
  'tray.running': 'running',
  'tray.result.ok': 'OK',
  'tray.result.partial': 'some items failed',
  'tray.result.failed': 'failed',
  'tray.result.needsConfirmation': 'waits for your confirmation',
  'tray.result.aborted': 'stopped for safety',
  'tray.result.dryRun': 'preview',
  'tray.changes': { one: '{count} change', other: '{count} changes' },
  'notice.massDelete': '{part}: confirm deletions',
  'notice.auth': '{part}: sign in again',
  'notice.config': '{part}: settings need attention',
  'notice.error': '{part}: sync is failing',
  'notice.warning': '{part}: some items keep failing',
  'notice.itemsFailing': {
    one: '{count} item failed again in the last runs; the Overview says which and why.',
    other: '{count} items failed again in the last runs; the Overview says which and why.',
  },
  'tray.update.ready': 'Restart to update to {version}',
  'tray.update.readyTip': 'Update {version} is ready — it installs when the app restarts or quits',
  'tray.update.downloading': 'Downloading update {version}… {percent} %',
  'tray.update.waiting': 'Update {version} installs when the running sync ends',
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
    'Certifikátu TLS serveru ABRA {host} se nedá důvěřovat. Požádejte správce o certifikát firemní certifikační autority nebo o otisk SHA-256 certifikátu serveru a zadejte ho v části „Certifikát serveru podepsaný vlastní autoritou“.',
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
  'connections.testCancelled': 'Test byl zrušen.',
  'discover.auth.ntlm': 'Způsob přihlášení: Windows (NTLM), který server nabízí; samotné heslo se neposílá.',
  'discover.auth.basic': 'Způsob přihlášení: jméno a heslo (Basic), který server nabízí.',
  'discover.auth.oauth': 'Server přijímá jen přihlášení účtem Microsoft 365 (moderní ověřování).',
  'discover.signInMicrosoft':
    'Tato schránka se přihlašuje účtem Microsoft: klikněte na „Přihlásit se účtem Microsoft“ v části „Pro správce“ (ID aplikace vám dá správce).',
  'ews.tls':
    'Certifikátu TLS serveru Exchange se nedá důvěřovat. Požádejte správce o certifikát firemní certifikační autority a vložte ho v části „Pro správce“ do pole „Certifikát firemní certifikační autority (PEM)“.',
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
    'Certifikátu TLS služby Microsoft 365 se nedá důvěřovat. Spojení možná kontroluje firemní proxy: požádejte správce o její certifikát.',
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
    'Automatické zjišťování narazilo na server, jehož certifikátu TLS se nedá důvěřovat. Požádejte správce o certifikát certifikační autority, nebo zadejte adresu EWS ručně.',
  'autodiscover.notFound':
    'Automatické zjišťování nenašlo pro {email} žádný server Exchange. Zadejte adresu EWS ručně (obvykle https://mail.<vaše firma>/EWS/Exchange.asmx).',
  'autodiscover.failed':
    'Automatické zjišťování selhalo. Zadejte adresu EWS ručně (obvykle https://mail.<vaše firma>/EWS/Exchange.asmx).',

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
  'preview.saveConnectionsFirst':
    'Připojení byla změněna, ale neuložena: před náhledem částí je uložte (Připojení).',
  'run.ewsOauthCli':
    'příkazový řádek nemůže použít přihlášení Microsoft z aplikace pro Exchange Server (EWS): zadejte přístupový token EWS v EXCHANGE_TOKEN',
  'run.xmlCharsRemoved': {
    one: 'zapsáno bez {count} znaku, který Exchange neumí uložit (řídicí znak, např. svislý tabulátor vložený z Excelu)',
    few: 'zapsáno bez {count} znaků, které Exchange neumí uložit (řídicí znaky, např. svislý tabulátor vložený z Excelu)',
    other:
      'zapsáno bez {count} znaků, které Exchange neumí uložit (řídicí znaky, např. svislý tabulátor vložený z Excelu)',
  },

  // ---- Exchange 2007 legacy mode (#19) ----
  'ews.legacyMode':
    ' Exchange 2007: režim pro starší verzi, ověřený proti schématu Exchange 2007 od Microsoftu, ne proti skutečnému serveru; doporučujeme Exchange aktualizovat.',
  'ews.exchange2007Sp1':
    'Server Exchange je Exchange 2007 bez Service Packu 2 a ten aplikace nepodporuje. Nainstalujte Service Pack 3 pro Exchange 2007 (nebo lépe Exchange aktualizujte).',
  'ews.legacyTlsOnly':
    'Server Exchange nabízí jen starou verzi TLS (1.0 nebo 1.1) a tu aplikace odmítá. Požádejte správce IT, aby na serveru zapnul TLS 1.2 (doporučeno), nebo aby v souboru zásad správce povolil staré TLS pro tento jediný server ("sync": { "exchange": { "legacyTlsHost": "<název serveru>" } }).',
  'ews.legacyTlsInUse':
    ' Spojení používá staré {protocol}, jak to zásady správce povolují jen pro tento server; je slabší než TLS 1.2.',

  'autodiscover.confirmRedirect':
    'Automatické zjišťování pro {email} bylo přesměrováno na server {host}. Poslat vaše přihlášení k Exchange na {host}? Souhlaste jen tehdy, patří-li {host} vaší firmě nebo Microsoftu.',
  'autodiscover.redirectRefused':
    'Automatické zjišťování pro {email} odkazuje na server {host}, který nebyl potvrzen; nic tam nebylo odesláno. Zadejte adresu EWS ručně, nebo to zkuste znovu a server potvrďte.',
  'autodiscover.passwordForDomain':
    'Uložené heslo k Exchange bylo zadáno pro jinou adresu. Zadejte heslo pro {email} znovu a zkuste to znovu.',
  'secrets.confirmNewServer':
    'Uložený údaj „{secret}“ byl zadán pro jiný server. Použít ho i pro {host}? Souhlaste jen tehdy, důvěřujete-li serveru {host}.',
  'secrets.notForThisServer':
    'Uložený údaj „{secret}“ byl zadán pro jiný server; na {host} se neposílá. Zadejte ho pro tento server znovu.',
  'config.cleartextAbra':
    'musí začínat https:// — přes http:// by heslo nebo token ABRA šly sítí čitelně pro kohokoli (http:// je povoleno jen pro tento počítač: 127.0.0.1, localhost)',
  'config.cleartextGraph':
    'musí začínat https:// — přes http:// by přístupový token Microsoft šel sítí čitelně pro kohokoli (http:// je povoleno jen pro tento počítač: 127.0.0.1, localhost)',
  'config.cleartextEws':
    'musí začínat https:// — přes http:// by přihlášení k Exchange šlo sítí čitelně pro kohokoli (http:// je povoleno jen pro tento počítač: 127.0.0.1, localhost)',
  'config.profileName':
    'smí obsahovat jen písmena, číslice, tečku, pomlčku a podtržítko (pojmenovává soubor ve složce dat)',
  'engine.locked':
    'S {file} už pracuje jiná kopie synchronizace (aplikace nebo příkazový řádek, proces {pid}). Nejprve ji ukončete; dvě kopie nad jedním stavem by vytvořily duplicity.',
  'state.recovered':
    'Soubor se stavem synchronizace {file} byl poškozen a byl uschován jako {kept}. Začal nový stav: další běhy znovu spárují už synchronizované položky podle jejich značek, bez duplicit. Nic není třeba dělat; poškozenou kopii lze předat podpoře.',
  'secretName.abraPassword': 'heslo k ABRA',
  'secretName.abraToken': 'uživatelský token ABRA',
  'secretName.exchangePassword': 'heslo k Exchange',
  'secretName.graphTokenCache': 'přihlášení Microsoft',
  'confirm.yes': 'Ano, poslat tam',
  'confirm.no': 'Ne',
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
  'preflight.exchange': 'Server Exchange {version}: schránka {email} odpovídá.',
  'preflight.exchangeFailed': 'Kontrola Exchange selhala: {detail}',
  'run.exchangeAuth':
    'Server Exchange odmítl přihlášení: heslo se změnilo nebo přestalo platit. Zadejte ho znovu (Připojení → Exchange).',
  'run.abraAuth':
    'ABRA odmítla přihlášení: heslo nebo uživatelský token se změnil nebo přestal platit. Zadejte ho znovu (Připojení → ABRA).',
  'run.tls':
    'Certifikátu TLS serveru {host} se nedá důvěřovat. Požádejte správce o certifikát certifikační autority vaší firmy (Připojení).',
  'run.unreachable': 'Server {host} není dostupný. Zkontrolujte, že je počítač ve firemní síti nebo na VPN.',
  'run.timeout': 'Server {host} neodpověděl včas. Synchronizace to brzy zkusí znovu.',
  'run.failed.auth': 'Server odmítl přihlášení. Zadejte heslo znovu (Připojení).',
  'run.failed.forbidden': 'Přihlášení proběhlo, ale přístup byl odepřen. Požádejte správce o oprávnění.',
  'run.failed.tls':
    'Certifikátu TLS serveru se nedá důvěřovat. Požádejte správce o certifikát certifikační autority vaší firmy.',
  'run.failed.unreachable':
    'Server není dostupný. Zkontrolujte síť nebo VPN; synchronizace to brzy zkusí znovu.',
  'run.failed.timeout': 'Server neodpověděl včas. Synchronizace to brzy zkusí znovu.',
  'run.failed.malformed': 'Server odpověděl něčím, čemu nelze rozumět (chybná adresa nebo stránka proxy?).',
  'run.failed.notFound':
    'Něco, co synchronizace potřebuje, se na serveru nenašlo (schránka, složka nebo připojení ABRA).',
  'run.failed.transient': 'Server měl přechodný problém. Synchronizace to brzy zkusí znovu.',
  'run.failed.throttled': 'Server je přetížený. Synchronizace to brzy zkusí znovu.',
  'run.failed.config': 'Nastavení pro server není v pořádku; zkontrolujte ho (Připojení, Co synchronizovat).',
  'run.failed.validation': 'Server data odmítl.',
  'run.failed.conflict': 'Položka se mezitím na serveru změnila; synchronizace to zkusí znovu.',
  'run.failed.cursorInvalid': 'Server zapomněl, kde synchronizace skončila; synchronizace vše přečte znovu.',
  'config.abraUrlPath':
    'zadejte sem jen adresu serveru, např. https://abra.firma.cz:8443; název připojení („{path}“) patří do vlastního pole',
  'config.fingerprint':
    'musí to být otisk SHA-256 (64 šestnáctkových číslic); „Kryptografický otisk“ z Windows je SHA-1 (40 číslic): v podrobnostech certifikátu zkopírujte otisk SHA-256, nebo zadejte certifikát certifikační autority',
  'autodiscover.needsEmail':
    'Nejdřív zadejte svou e-mailovou adresu; automatické zjišťování podle ní hledá server.',
  'field.abra.serverUrl': 'Adresa serveru Web API',
  'field.abra.connection': 'Název připojení',
  'field.abra.login': 'Přihlašovací jméno do ABRA',
  'field.abra.authMode': 'Přihlásit pomocí',
  'field.abra.caCertificate': 'Certifikát certifikační autority (PEM)',
  'field.abra.fingerprint256': 'Otisk připnutého certifikátu (SHA-256)',
  'field.exchange.email': 'E-mailová adresa',
  'field.exchange.kind': 'Typ serveru',
  'field.exchange.ewsUrl': 'Adresa EWS',
  'field.exchange.auth': 'Ověřování',
  'field.exchange.user': 'Uživatelské jméno',
  'field.exchange.domain': 'Doména Windows',
  'field.exchange.tenantId': 'ID tenanta (adresáře)',
  'field.exchange.clientId': 'ID aplikace (klienta)',
  'field.exchange.caCertificate': 'Certifikát firemní certifikační autority (PEM)',
  'config.caPem':
    'musí to být certifikát ve formátu PEM (text od -----BEGIN CERTIFICATE----- po -----END CERTIFICATE-----, např. soubor .cer nebo .crt uložený jako Base-64); certifikát firemní certifikační autority vám dá správce',
  'field.parts.addressBook': 'Adresář',
  'field.parts.calendar': 'Kalendář',
  'field.parts.tasks': 'Úkoly',
  'field.parts.mail': 'Archiv e-mailů',
  'tray.syncNow': 'Synchronizovat nyní',
  'tray.pause': 'Pozastavit synchronizaci',
  'tray.resume': 'Obnovit synchronizaci',
  'tray.settings': 'Nastavení…',
  'tray.openLog': 'Otevřít protokol',
  'tray.quit': 'Ukončit',
  'tray.notSetUp': 'Zatím nenastaveno — otevřete Nastavení',
  'tray.paused': 'Pozastaveno',
  'tray.syncing': 'Synchronizuje se…',
  'tray.needs': 'Vyžaduje vaši pozornost',
  'tray.warning': 'Některé položky se opakovaně nedaří',
  'tray.waiting': 'čeká na váš náhled',
  'tray.failingSince': 'selhává; naposledy OK',
  'tray.unassigned': {
    one: '{count} e-mail čeká na přiřazení',
    few: '{count} e-maily čekají na přiřazení',
    other: '{count} e-mailů čeká na přiřazení',
  },
  'tray.lastOk': 'Poslední úspěšná synchronizace',
  'tray.never': 'nikdy',
  'tray.noRun': 'zatím neproběhlo',
  'tray.running': 'probíhá',
  'tray.result.ok': 'OK',
  'tray.result.partial': 'některé položky selhaly',
  'tray.result.failed': 'selhalo',
  'tray.result.needsConfirmation': 'čeká na vaše potvrzení',
  'tray.result.aborted': 'zastaveno z bezpečnostních důvodů',
  'tray.result.dryRun': 'náhled',
  'tray.changes': { one: '{count} změna', few: '{count} změny', other: '{count} změn' },
  'notice.massDelete': '{part}: potvrďte mazání',
  'notice.auth': '{part}: přihlaste se znovu',
  'notice.config': '{part}: nastavení vyžaduje pozornost',
  'notice.error': '{part}: synchronizace selhává',
  'notice.warning': '{part}: některé položky se opakovaně nedaří',
  'notice.itemsFailing': {
    one: '{count} položka se opakovaně nepodařilo synchronizovat; které a proč, uvidíte v Přehledu.',
    few: '{count} položky se opakovaně nepodařilo synchronizovat; které a proč, uvidíte v Přehledu.',
    other: '{count} položek se opakovaně nepodařilo synchronizovat; které a proč, uvidíte v Přehledu.',
  },
  'tray.update.ready': 'Restartovat a aktualizovat na {version}',
  'tray.update.readyTip':
    'Aktualizace {version} je připravena — nainstaluje se při restartu nebo ukončení aplikace',
  'tray.update.downloading': 'Stahuje se aktualizace {version}… {percent} %',
  'tray.update.waiting': 'Aktualizace {version} se nainstaluje po dokončení synchronizace',
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

/**
 * The sentence for a failure of `kind` when the connector gave none of its own (`run.failed.<kind>`), so that no
 * failure reaches the UI only as the connector's English words.
 */
export function failureNote(kind: string | undefined): Note | undefined {
  const key = `run.failed.${kind}`;
  return isMessageKey(key) ? { key } : undefined;
}

/**
 * A settings issue as the user reads it: the field's label (or the part it belongs to) and the message, never the
 * configuration path (`parts.calendar.newItemTypeId`).
 */
export function issueText(locale: Locale, issue: { path: string; message: string }): string {
  const path = issue.path.replace(/^sync\./, '');
  const exact = `field.${path}`;
  const part = /^parts\.(\w+)/.exec(path)?.[1];
  const label = isMessageKey(exact)
    ? tr(locale, exact)
    : part && isMessageKey(`field.parts.${part}`)
      ? tr(locale, `field.parts.${part}` as MessageKey)
      : '';
  return label ? `${label}: ${issue.message}` : issue.message;
}
