/** The English sentences: the source table, whose keys are the catalogue's keys (`MessageKey`). See ./index.ts. */

/** An entry with plural forms, chosen by `params.count` (see `tr` in ./index.ts). */
export interface Plural {
  one: string;
  few?: string;
  other: string;
}
export type Entry = string | Plural;

export const en = {
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
