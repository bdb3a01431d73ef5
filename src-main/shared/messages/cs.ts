/** The Czech sentences: every English key, the same placeholders (test/shared/messages.test.ts). See ./index.ts. */
import type { Entry, en } from './en';

export const cs: Record<keyof typeof en, Entry> = {
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
