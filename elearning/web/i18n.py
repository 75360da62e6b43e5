"""Languages of the pages: Dutch (the source text) and English.

Templates and views write the Dutch text, `_("Inloggen")`; in English the text is looked
up in `EN`, with `{name}` placeholders filled in after translation. A test checks that
every text used has an English translation. Course content stays in the course's language.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import HTTPConnection

from elearning import texts

LANGUAGES = ("nl", "en")
LANG_COOKIE = "lang"


def language(conn: HTTPConnection) -> str:
    chosen = conn.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    app = conn.scope.get("app")
    default = getattr(getattr(app, "state", None), "settings", None)
    return default.default_language if default is not None else "nl"


def translator(lang: str) -> Callable[..., str]:
    return texts.translator(EN, lang)


def number(value: float, lang: str) -> str:
    """4.0 -> '4'; 1.5 -> '1,5' in Dutch, '1.5' in English."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "nl" else text


EN: dict[str, str] = {
    # site
    "E-learning": "E-learning",
    "Naar de inhoud": "Skip to content",
    "Hoofdmenu": "Main menu",
    "Cursussen": "Courses",
    "Mijn account": "My account",
    "Uitloggen": "Log out",
    "Inloggen": "Log in",
    "Account maken": "Create an account",
    "niet verplicht": "optional",
    "Controleer wat u invulde": "Please check what you entered",
    # catalogue and course
    "Er zijn nog geen cursussen.": "There are no courses yet.",
    "Studielast: {minutes} minuten": "Study load: {minutes} minutes",
    "{points} PE-punten": "{points} PE points",
    "1 PE-punt": "1 PE point",
    "1 PE-punt bij {register}": "1 PE point with {register}",
    "Nog niet begonnen": "Not started yet",
    "U bent bezig": "In progress",
    "Afgerond: geslaagd": "Finished: passed",
    "Afgerond: nog niet geslaagd": "Finished: not passed yet",
    "Studielast": "Study load",
    "{minutes} minuten": "{minutes} minutes",
    "Accreditatie": "Accreditation",
    "{points} PE-punten bij {register}": "{points} PE points with {register}",
    "Modules": "Modules",
    "{score} van {max} punten": "{score} of {max} points",
    "gehaald": "passed",
    "niet gehaald": "not passed",
    "afgerond": "finished",
    "hier bent u nu": "you are here",
    "nog niet begonnen": "not started yet",
    "Bekijk waar u bent": "See where you are",
    "Verder waar u was": "Continue where you left off",
    "Bekijk uw resultaat": "See your result",
    "Helemaal opnieuw beginnen": "Start all over again",
    "Start de cursus": "Start the course",
    "U speelt als gast. Maak een account of log in om uw voortgang te bewaren op elk apparaat. "
    "Voor een certificaat heeft u een account nodig.":
        "You are playing as a guest. Create an account or log in to keep your progress on any device. "
        "You need an account for a certificate.",
    # playing
    "Cursus": "Course",
    "Waar ik ben": "Where I am",
    "Notitieboek": "Notebook",
    "Voortgang": "Progress",
    "Controleer uw antwoord": "Please check your answer",
    "Module {n} van {total}: {title}": "Module {n} of {total}: {title}",
    "Terugkoppeling": "Feedback",
    "Wat doet u nu?": "What do you do now?",
    "Deze keuze is nu nog niet mogelijk.": "This choice is not possible yet.",
    "Kies één of meer antwoorden": "Choose one or more answers",
    "Kies één antwoord": "Choose one answer",
    "Kies één of meer antwoorden.": "Choose one or more answers.",
    "Kies één antwoord.": "Choose one answer.",
    "Antwoord geven": "Submit answer",
    "Uw resultaat voor deze module": "Your result for this module",
    "U haalde {score} van de {max} punten.": "You scored {score} of {max} points.",
    "Gehaald.": "Passed.",
    "Niet gehaald.": "Not passed.",
    "Nodig om te halen: {pct}% van de punten.": "Needed to pass: {pct}% of the points.",
    "Dit was poging {n}. Uw beste poging telt.": "This was attempt {n}. Your best attempt counts.",
    "De cursus is klaar": "The course is finished",
    "U bent geslaagd voor de cursus.": "You passed the course.",
    "U bent nog niet geslaagd voor de cursus.": "You have not passed the course yet.",
    "Totaal: {score} van de {max} punten.": "Total: {score} of {max} points.",
    "Bekijk uw resultaat en wat u nu kunt doen": "See your result and what you can do next",
    "bezocht": "visited",
    "op slot": "locked",
    "nog niet bezocht": "not visited yet",
    "open": "open",
    "Kaart": "Map",
    "Kies een plek op de kaart of in de lijst hieronder.": "Choose a place on the map or in the list below.",
    "Plekken": "Places",
    "op slot: {reason}": "locked: {reason}",
    "deze plek is nog niet open": "this place is not open yet",
    "Ga naar {place}": "Go to {place}",
    "Plek": "Place",
    "Deze plek is op slot: {reason}": "This place is locked: {reason}",
    "Deze plek kunt u nu niet kiezen": "You cannot choose this place now",
    "U bent niet meer op de kaart. Ga verder waar u was.": "You are no longer on the map. Continue where you are.",
    "Terug naar waar u was": "Back to where you were",
    "Deze keuze was al verwerkt. U ziet nu waar u gebleven bent.":
        "That choice had already been made. This is where you are now.",
    "Die keuze kan nu niet. Kies een van de mogelijkheden op deze pagina.":
        "That choice is not possible now. Pick one of the options on this page.",
    "Doe de toets opnieuw": "Take the test again",
    "Volgende": "Next",
    "Juist": "Correct",
    "Niet juist": "Not correct",
    "(jouw antwoord)": "(your answer)",
    "(goed antwoord)": "(right answer)",
    "Je antwoorden": "Your answers",
    "Vraag {n}": "Question {n}",
    "Je hebt alle pogingen voor deze toets gebruikt.": "You have used all attempts for this test.",
    "Je kunt de toets opnieuw doen vanaf {moment}.": "You can take the test again from {moment}.",
    "Doe deze module opnieuw": "Do this module again",
    "Verder naar: {title}": "Continue to: {title}",
    "Uw notitieboek is nog leeg. Wat u onderweg ontdekt, komt hier te staan.":
        "Your notebook is still empty. What you discover along the way will appear here.",
    "Wat u tot nu toe verzamelde: {n} notities.": "What you collected so far: {n} notes.",
    # results
    "Voortgang en resultaat": "Progress and result",
    "Nodig om te slagen: {pct}% van alle punten.": "Needed to pass: {pct}% of all points.",
    "U bent nog bezig met de cursus.": "You are still working on the course.",
    "Resultaat per module": "Result per module",
    "Module": "Module",
    "Stand": "Status",
    "Punten": "Points",
    "Gehaald": "Passed",
    "{score} van {max}": "{score} of {max}",
    "geen eis": "no requirement",
    "ja": "yes",
    "nee": "no",
    "Tijd besteed: {minutes} minuten.": "Time spent: {minutes} minutes.",
    "Wat kunt u nu doen?": "What can you do now?",
    "Ga verder waar u was": "Continue where you left off",
    "Uw certificaat wordt gemaakt op uw naam: {name}.": "Your certificate is made out in your name: {name}.",
    "Controleer uw naam en registratienummer": "Check your name and registration number",
    "Voor een certificaat heeft u een account nodig. Uw resultaat blijft bewaard als u nu een account maakt of inlogt.":
        "You need an account for a certificate. Your result is kept when you create an account or log in now.",
    "u kunt de toets nog een keer maken.": "you can take the test once more.",
    "Lees uw notities nog eens na in het notitieboek.": "Read your notes again in the notebook.",
    "Naar het notitieboek": "Go to the notebook",
    "Terug naar de cursus": "Back to the course",
    # accounts
    "Met een account bewaart u uw voortgang op elk apparaat en krijgt u een certificaat als u slaagt.":
        "With an account your progress is kept on any device, and you get a certificate when you pass.",
    "Uw naam": "Your name",
    "Zoals die op uw certificaat moet staan.": "As it should appear on your certificate.",
    "E-mailadres": "E-mail address",
    "Wachtwoord": "Password",
    "Minstens {n} tekens.": "At least {n} characters.",
    "Registratienummer bij Registerplein": "Registerplein registration number",
    "Alleen als u geregistreerd bent. Het nummer begint met 4610.":
        "Only if you are registered. The number begins with 4610.",
    "Heeft u al een account?": "Already have an account?",
    "Wachtwoord vergeten?": "Forgot your password?",
    "Nog geen account?": "No account yet?",
    "Uw gegevens": "Your details",
    "Uw huidige wachtwoord": "Your current password",
    "Alleen nodig als u uw e-mailadres verandert.": "Only needed when you change your e-mail address.",
    "Gegevens opslaan": "Save details",
    "Wachtwoord veranderen": "Change password",
    "Nieuw wachtwoord": "New password",
    "Uw rol: {role}": "Your role: {role}",
    "cursist": "learner",
    "auteur": "author",
    "beheerder": "administrator",
    "Wachtwoord vergeten": "Forgotten password",
    "Als dit e-mailadres bij ons bekend is, krijgt u binnen een paar minuten een e-mail met een link. "
    "Met die link kiest u een nieuw wachtwoord. De link werkt één uur.":
        "If we know this e-mail address, you will receive an e-mail with a link within a few minutes. "
        "With that link you choose a new password. The link works for one hour.",
    "Naar inloggen": "Go to log in",
    "Vul uw e-mailadres in. U krijgt dan een e-mail met een link om een nieuw wachtwoord te kiezen.":
        "Enter your e-mail address. You will receive an e-mail with a link to choose a new password.",
    "Stuur mij een link": "Send me a link",
    "Nieuw wachtwoord kiezen": "Choose a new password",
    "Wachtwoord opslaan": "Save password",
    "Deze link werkt niet meer. Hij is al gebruikt of ouder dan een uur.":
        "This link no longer works. It has been used already or is older than one hour.",
    "Vraag een nieuwe link aan": "Request a new link",
    "Vul uw naam in.": "Enter your name.",
    "Uw naam is te lang (hoogstens 200 tekens).": "Your name is too long (200 characters at most).",
    "Vul uw e-mailadres in.": "Enter your e-mail address.",
    "Vul één e-mailadres in zoals naam@voorbeeld.nl.": "Enter one e-mail address such as name@example.com.",
    "Kies een wachtwoord van minstens {n} tekens.": "Choose a password of at least {n} characters.",
    "Kies een wachtwoord van hoogstens {n} tekens.": "Choose a password of at most {n} characters.",
    "Er zijn vanaf uw adres te veel accounts gemaakt. Probeer het over een uur opnieuw.":
        "Too many accounts were created from your address. Try again in an hour.",
    "Uw wachtwoord is veranderd. Log in met uw nieuwe wachtwoord.":
        "Your password has been changed. Log in with your new password.",
    "Vul uw wachtwoord in.": "Enter your password.",
    "Te veel mislukte pogingen. Wacht {n} seconden en probeer het dan opnieuw.":
        "Too many failed attempts. Wait {n} seconds and try again.",
    "Te veel mislukte pogingen. Wacht {n} minuten en probeer het dan opnieuw.":
        "Too many failed attempts. Wait {n} minutes and try again.",
    "Dit e-mailadres en wachtwoord horen niet bij elkaar. Controleer ze en probeer het opnieuw.":
        "This e-mail address and password do not match. Check them and try again.",
    "Uw gegevens zijn opgeslagen.": "Your details have been saved.",
    "Uw wachtwoord is veranderd.": "Your password has been changed.",
    "Vul uw huidige wachtwoord in om uw e-mailadres te veranderen.":
        "Enter your current password to change your e-mail address.",
    "Uw huidige wachtwoord klopt niet.": "Your current password is not correct.",
    "Een nieuw wachtwoord kiezen": "Choosing a new password",
    "Hallo {name},\n\nU vroeg om een nieuw wachtwoord. Kies een nieuw wachtwoord met deze link:\n\n"
    "{link}\n\nDe link werkt één uur en maar één keer. Vroeg u niet om een nieuw wachtwoord? "
    "Dan hoeft u niets te doen: uw wachtwoord blijft hetzelfde.\n":
        "Hello {name},\n\nYou asked for a new password. Choose a new password with this link:\n\n"
        "{link}\n\nThe link works for one hour, and only once. Did you not ask for a new password? "
        "Then you need not do anything: your password stays the same.\n",
    # certificates
    "Mijn certificaten": "My certificates",
    "Certificaten beheren": "Manage certificates",
    "Een certificaat controleren": "Check a certificate",
    "Naam": "Name",
    "Afgerond op": "Completed on",
    "Verificatiecode": "Verification code",
    "Registratienummer": "Registration number",
    "Score": "Score",
    "PE-punten": "PE points",
    "Register": "Register",
    "Activiteit": "Activity",
    "Cursus-id en versie": "Course id and version",
    "{course}, versie {version}": "{course}, version {version}",
    "geldig": "valid",
    "vervangen": "superseded",
    "ingetrokken": "revoked",
    "Download uw certificaat": "Download your certificate",
    "Staat uw naam niet goed op het certificaat?": "Is your name not right on the certificate?",
    "Vraag een nieuw certificaat aan": "Ask for a new certificate",
    "Staat uw naam niet goed op het certificaat? Verander eerst uw naam in Mijn account. "
    "Daarna kunt u hier een nieuw certificaat aanvragen.":
        "Is your name not right on the certificate? First change your name in My account. "
        "Then you can ask for a new certificate here.",
    "Nieuw certificaat aanvragen": "Ask for a new certificate",
    "Dit certificaat is vervangen door het certificaat met code {code}.":
        "This certificate has been replaced by the certificate with code {code}.",
    "Dit certificaat is ingetrokken. Heeft u vragen? Neem contact op met de aanbieder van de cursus.":
        "This certificate has been revoked. Any questions? Please contact the provider of the course.",
    "U heeft nog geen certificaten. Als u slaagt voor een cursus, krijgt u hier uw certificaat.":
        "You have no certificates yet. When you pass a course, your certificate appears here.",
    "Uw nieuwe certificaat staat klaar. Het oude certificaat is niet meer geldig.":
        "Your new certificate is ready. The old certificate is no longer valid.",
    "Dit certificaat is niet meer geldig": "This certificate is no longer valid",
    "Dit certificaat is vervangen door een nieuw certificaat. Download het nieuwe certificaat op de pagina "
    "Mijn certificaten.":
        "This certificate has been replaced by a new certificate. Download the new certificate on the page "
        "My certificates.",
    "Naar mijn certificaten": "Go to my certificates",
    "Cursus: {title}": "Course: {title}",
    "Op het certificaat": "On the certificate",
    "In uw account": "In your account",
    "Dit certificaat is {status}. U kunt alleen een geldig certificaat opnieuw laten maken.":
        "This certificate is {status}. Only a valid certificate can be made again.",
    "Op het certificaat staan dezelfde gegevens als in uw account. Verander eerst uw naam of "
    "registratienummer in Mijn account. Kom daarna terug naar deze pagina.":
        "The certificate shows the same details as your account. First change your name or registration "
        "number in My account. Then come back to this page.",
    "Naar Mijn account": "Go to My account",
    "U krijgt een nieuw certificaat met de gegevens uit uw account. De datum, de score en de punten blijven "
    "hetzelfde. Het oude certificaat is daarna niet meer geldig: wie de oude code controleert, ziet dat er "
    "een nieuw certificaat is.":
        "You get a new certificate with the details from your account. The date, the score and the points "
        "stay the same. The old certificate is then no longer valid: whoever checks the old code sees that "
        "there is a new certificate.",
    "Maak een nieuw certificaat": "Make a new certificate",
    "Terug naar mijn certificaten": "Back to my certificates",
    # verification
    "Certificaat controleren": "Check a certificate",
    "Is een certificaat echt? Vul de verificatiecode in die op het certificaat staat. U ziet dan of het "
    "certificaat geldig is en wat erop hoort te staan.":
        "Is a certificate genuine? Enter the verification code printed on the certificate. You will see "
        "whether the certificate is valid and what it should say.",
    "12 tekens, bijvoorbeeld 7KQ2-M4XD-9RTG. Streepjes en spaties mogen, kleine letters ook.":
        "12 characters, for example 7KQ2-M4XD-9RTG. Dashes, spaces and small letters are fine.",
    "Controleren": "Check",
    "U kunt ook de QR-code op het certificaat scannen.": "You can also scan the QR code on the certificate.",
    "Certificaat {code}": "Certificate {code}",
    "Dit certificaat is geldig.": "This certificate is valid.",
    "Het is door ons uitgegeven. Hieronder staat wat er op het certificaat staat. Klopt dat met het "
    "certificaat dat u ziet?":
        "We issued it. Below is what the certificate says. Does that match the certificate you are looking at?",
    "Dit certificaat is vervangen.": "This certificate has been superseded.",
    "Er is een nieuw certificaat voor gemaakt, bijvoorbeeld omdat de naam niet goed was. Alleen het nieuwe "
    "certificaat telt.":
        "A new certificate was made to replace it, for example because the name was not right. Only the new "
        "certificate counts.",
    "Bekijk het nieuwe certificaat ({code})": "See the new certificate ({code})",
    "Dit certificaat is ingetrokken.": "This certificate has been revoked.",
    "Het is ingetrokken op {date} en telt niet meer.": "It was revoked on {date} and no longer counts.",
    "Het telt niet meer.": "It no longer counts.",
    "Wat er op het certificaat staat": "What the certificate says",
    "Een andere code controleren": "Check another code",
    "Te veel controles": "Too many checks",
    "Vanaf uw adres zijn in korte tijd veel codes gecontroleerd. Wacht een kwartier en probeer het dan "
    "opnieuw.":
        "Many codes were checked from your address in a short time. Wait a quarter of an hour and try again.",
    "Geen certificaat gevonden": "No certificate found",
    "Er is geen certificaat met de code {code}. Kijk of u de code goed hebt overgenomen. Klopt de code? "
    "Dan is het certificaat niet door ons uitgegeven.":
        "There is no certificate with the code {code}. Check that you copied the code correctly. Is the code "
        "right? Then we did not issue this certificate.",
    # certificates: administrators
    "Beheer van certificaten": "Certificate administration",
    "Certificaten zoeken": "Find certificates",
    "Export voor het register": "Export for the register",
    "Certificaten": "Certificates",
    "Alle cursussen": "All courses",
    "Afgerond vanaf": "Completed from",
    "Afgerond tot en met": "Completed up to and including",
    "JJJJ-MM-DD": "YYYY-MM-DD",
    "Naam of code": "Name or code",
    "Zoeken": "Search",
    "Gevonden certificaten": "Certificates found",
    "de eerste {n}": "the first {n}",
    "Geen certificaten gevonden.": "No certificates found.",
    "Reden": "Reason",
    "Vervangen door": "Replaced by",
    "Account": "Account",
    "Uitgegeven": "Issued",
    "Download de PDF": "Download the PDF",
    "Bekijk de verificatiepagina": "See the verification page",
    "Certificaat intrekken": "Revoke the certificate",
    "Een ingetrokken certificaat telt niet meer. Wie de code controleert, ziet dat het is ingetrokken en op "
    "welke datum. De reden ziet alleen de beheerder.":
        "A revoked certificate no longer counts. Whoever checks the code sees that it was revoked, and on "
        "which date. Only administrators see the reason.",
    "Hoogstens {n} tekens.": "At most {n} characters.",
    "Het certificaat is ingetrokken.": "The certificate has been revoked.",
    "Schrijf op waarom u het certificaat intrekt.": "Write down why you revoke the certificate.",
    "De reden is te lang (hoogstens {n} tekens).": "The reason is too long ({n} characters at most).",
    "Alleen een geldig certificaat kan worden ingetrokken.": "Only a valid certificate can be revoked.",
    "Vul een datum in als JJJJ-MM-DD, bijvoorbeeld 2026-11-28.":
        "Enter a date as YYYY-MM-DD, for example 2026-11-28.",
    "Een lijst van de geldige certificaten van één cursus in een periode, met registratienummer. "
    "Certificaten zonder registratienummer, vervangen en ingetrokken certificaten staan er niet in.":
        "A list of the valid certificates of one course in a period, with registration number. Certificates "
        "without a registration number, superseded and revoked certificates are left out.",
    "Bestandsvorm": "File format",
    "CSV voor Excel (puntkomma's)": "CSV for Excel (semicolons)",
    "Excel-bestand (xlsx)": "Excel file (xlsx)",
    "Lijsten voor PE-online: per datum van afronding de registratienummers":
        "Lists for PE-online: the registration numbers per completion date",
    "Einde van de accreditatieperiode": "End of the accreditation period",
    "JJJJ-MM-DD. Voor PE-online: dan staat in de lijst de uiterste datum om in te voeren (twee maanden later).":
        "YYYY-MM-DD. For PE-online: the list then shows the last day to enter attendance (two months later).",
    "Download de export": "Download the export",
    "Kies een cursus.": "Choose a course.",
    "Vul de eerste datum in.": "Enter the first date.",
    "Vul de laatste datum in.": "Enter the last date.",
    "De laatste datum ligt voor de eerste datum.": "The last date is before the first date.",
    "Kies een bestandsvorm.": "Choose a file format.",
    "Je e-mailadres veranderen": "Changing your e-mail address",
    "Hallo {name},\n\nIemand vroeg om het e-mailadres van je account te veranderen in {masked}. "
    "Het verandert pas als iemand de link in de mail naar dat adres gebruikt.\n\nDeed je dit zelf? "
    "Dan hoef je niets te doen.\n\nDeed je dit niet? Kies dan meteen een nieuw wachtwoord. Daarmee "
    "stop je de verandering:\n\n{forgot}\n":
        "Hello {name},\n\nSomeone asked to change the e-mail address of your account to {masked}. "
        "It changes only when someone uses the link in the mail to that address.\n\nWas it you? "
        "Then there is nothing to do.\n\nWas it not you? Choose a new password right away. That "
        "stops the change:\n\n{forgot}\n",
    "Je naam mag geen stuurtekens of onzichtbare tekens bevatten.":
        "Your name must not contain control characters or invisible characters.",
    "De reden mag geen stuurtekens of onzichtbare tekens bevatten.":
        "The reason must not contain control characters or invisible characters.",
    "Waar je bent ingelogd": "Where you are logged in",
    "Je blijft ingelogd tot je uitlogt, tot je {idle} minuten niets doet, en hoogstens {days} dagen.":
        "You stay logged in until you log out, until you do nothing for {idle} minutes, and for {days} days at most.",
    "Onbekende browser": "Unknown browser",
    "ingelogd op {date}": "logged in on {date}",
    "deze browser": "this browser",
    "Overal anders uitloggen": "Log out everywhere else",
    "Je bent nu overal uitgelogd, behalve in deze browser.": "You are now logged out everywhere except in this browser.",
    "Even wachten": "Please wait",
    "Je deed dit in korte tijd heel vaak. Wacht een uur en probeer het dan opnieuw. Er is niets verloren.":
        "You did this very often in a short time. Wait an hour and try again. Nothing is lost.",
    "Je liet vandaag al vaak een nieuw certificaat maken. Probeer het morgen opnieuw.":
        "You had a new certificate made many times today. Try again tomorrow.",
    "Je account is gemaakt. Log in met je e-mailadres en wachtwoord om verder te gaan.":
        "Your account has been created. Log in with your e-mail address and password to go on.",
    "Is dit van jou?": "Is this yours?",
    "In deze browser heeft iemand zonder account gewerkt aan:": "In this browser, someone without an account worked on:",
    "Was jij dat? Dan zetten we het in je account. Op een gedeelde computer kan het ook van iemand anders zijn: "
    "dan laat je het staan.":
        "Was that you? Then we put it in your account. On a shared computer it may be someone else's: then leave it.",
    "Ja, dit is van mij": "Yes, this is mine",
    "Nee, laat het staan": "No, leave it",
    "afgerond: geslaagd": "finished: passed",
    "afgerond: nog niet geslaagd": "finished: not passed yet",
    "bezig": "in progress",
    "Mijn gegevens": "My data",
    "Download alles wat we van je bewaren: je account, je pogingen met wat je koos, en je certificaten.":
        "Download everything we keep about you: your account, your attempts with what you chose, and your certificates.",
    "Download mijn gegevens": "Download my data",
    "Account verwijderen": "Delete account",
    "Dan wissen we je e-mailadres, je wachtwoord, je registratienummer en wat je in de cursussen deed. Van een "
    "certificaat blijft alleen over wat de controlepagina toont (naam, cursus, datum, punten en code), omdat het "
    "register afgeronde cursussen mag nakijken. Dit kun je niet ongedaan maken.":
        "Then we erase your e-mail address, your password, your registration number and what you did in the courses. "
        "Of a certificate, only what the verification page shows remains (name, course, date, points and code), "
        "because the register may audit completed courses. This cannot be undone.",
    "Je wachtwoord": "Your password",
    "Mijn account verwijderen": "Delete my account",
    "Vul je wachtwoord in om je account te verwijderen.": "Enter your password to delete your account.",
    "Je account is verwijderd": "Your account has been deleted",
    "Je e-mailadres, je wachtwoord, je registratienummer en wat je in de cursussen deed, zijn niet meer aan jou "
    "gekoppeld. Je bent uitgelogd.":
        "Your e-mail address, your password, your registration number and what you did in the courses are no longer "
        "linked to you. You have been logged out.",
    "Van je certificaten blijft alleen over wat de controlepagina toont: naam, cursus, datum, punten en code. Zo "
    "kan een werkgever of het register een certificaat dat je liet zien nog steeds controleren.":
        "Of your certificates, only what the verification page shows remains: name, course, date, points and code. "
        "So an employer or the register can still verify a certificate you showed them.",
    "Logboek": "Audit log",
    "Wat beheerders deden: intrekken, exporteren, rollen veranderen, opnieuw naar PE-online sturen. Niemand kan "
    "dit logboek veranderen; regels verdwijnen na de bewaartermijn.":
        "What administrators did: revoking, exporting, changing roles, sending to PE-online again. Nobody can change "
        "this log; entries disappear after the retention period.",
    "Wanneer": "When",
    "Wie": "Who",
    "Wat": "What",
    "Waaraan": "To what",
    "Toelichting": "Details",
    "Er staat nog niets in het logboek.": "There is nothing in the log yet.",
    "Privacyverklaring": "Privacy statement",
    "Toegankelijkheidsverklaring": "Accessibility statement",
    # errors
    "Pagina niet gevonden": "Page not found",
    "Geen toegang": "No access",
    "Dit kan hier niet": "Not possible here",
    "Te veel gegevens": "Too much data",
    "Er ging iets mis": "Something went wrong",
    "Deze pagina bestaat niet (meer). Misschien is het adres verkeerd getypt.":
        "This page does not exist (any more). Perhaps the address was mistyped.",
    "Dit formulier is verlopen of kwam niet van deze site. Ga terug, laad de pagina opnieuw en probeer het nog eens.":
        "This form has expired or did not come from this site. Go back, reload the page and try again.",
    "U heeft geen toegang tot deze pagina.": "You do not have access to this page.",
    "Er ging bij ons iets mis. Het is niet uw fout. Probeer het over een paar minuten opnieuw.":
        "Something went wrong on our side. It is not your fault. Please try again in a few minutes.",
    "Dit verzoek kon niet worden verwerkt.": "This request could not be processed.",
    "Dit verzoek klopt niet": "This request is not valid",
    "Even niet bereikbaar": "Briefly unavailable",
    "De site is even niet bereikbaar. Wat u al gedaan heeft, is bewaard. Probeer het over een paar seconden opnieuw.":
        "The site is briefly unavailable. What you have done so far is saved. Please try again in a few seconds.",
    "Probeer het opnieuw": "Try again",
    "Wat u stuurde, kwam niet goed aan. Er is niets veranderd.":
        "What you sent did not arrive correctly. Nothing has changed.",
    "Naar de cursussen": "Go to the courses",
    # studio
    "Studio": "Studio",
    "Overzicht": "Overview",
    "Scenariokaart": "Scenario map",
    "Preview": "Preview",
    "Analyse": "Analytics",
    "Map {name}": "Folder {name}",
    "Map": "Folder",
    "Status": "Status",
    "Laatst ingelezen": "Last read",
    "Cursussen in de cursusmap": "Courses in the courses folder",
    "Hier ziet u elke cursus zoals de server hem inleest: of hij in orde is, en zo niet, wat er mis is. "
    "Bekijk de scenariokaart, speel elke scène na en zie hoe deelnemers door de cursus gaan.":
        "Here you see every course as the server reads it: whether it is in order and, if not, what is "
        "wrong. Look at the scenario map, play any scene and see how learners move through the course.",
    "Live herladen staat aan: bewaart u een cursusbestand, dan leest de server de cursus meteen opnieuw in.":
        "Live reload is on: when you save a course file, the server reads the course again at once.",
    "Live herladen staat uit. Start de server met elearning serve --dev om wijzigingen meteen te zien.":
        "Live reload is off. Start the server with elearning serve --dev to see changes at once.",
    "Deze cursus staat niet online: hij is nog nooit zonder fouten ingelezen. Los de fouten hieronder op en "
    "bewaar het bestand.":
        "This course is not online: it has never been read without errors. Fix the errors below and save "
        "the file.",
    "In orde": "In order",
    "In orde, 1 waarschuwing": "In order, 1 warning",
    "In orde, {n} waarschuwingen": "In order, {n} warnings",
    "1 fout": "1 error",
    "{n} fouten": "{n} errors",
    "1 waarschuwing": "1 warning",
    "{n} waarschuwingen": "{n} warnings",
    "De vorige goede versie blijft online.": "The last good version stays online.",
    "Niet online.": "Not online.",
    "fout": "error",
    "waarschuwing": "warning",
    "Problemen": "Problems",
    "Deze cursus is nog niet ingelezen.": "This course has not been read yet.",
    "De laatste controle vond geen problemen.": "The last check found no problems.",
    "Gevonden bij de laatste controle ({when}):": "Found by the last check ({when}):",
    "Deelnemers krijgen de vorige goede versie tot de fouten hieronder zijn opgelost.":
        "Learners get the last good version until the errors below are fixed.",
    "Deze pagina laadt zichzelf opnieuw als u een cursusbestand bewaart.":
        "This page reloads itself when you save a course file.",
    "Nu opnieuw laden": "Reload now",
    "Cursus-id": "Course id",
    "Versie": "Version",
    "inhoud": "content",
    "Speel de cursus vanaf het begin": "Play the course from the start",
    "Bekijk de analyse": "See the analytics",
    "Modules van de cursus": "Modules of the course",
    "Scènes": "Scenes",
    "Hoogste score": "Highest score",
    "Bekijken": "View",
    "Scenariokaart van {title}": "Scenario map of {title}",
    "Speel {title} vanaf het begin": "Play {title} from the start",
    "Scenariokaart: {title}": "Scenario map: {title}",
    "De laatste wijziging heeft fouten. U ziet de vorige goede versie.":
        "The last change has errors. You see the last good version.",
    "Bekijk de problemen": "See the problems",
    "Aantallen deelnemers": "Learner counts",
    "van alle versies van de cursus": "from every version of the course",
    "alleen van deze versie": "from this version only",
    "Toon": "Show",
    "Scenariokaart van de module {title}. Elke scène is een link naar de preview. De tabel hieronder noemt "
    "dezelfde scènes.":
        "Scenario map of the module {title}. Every scene is a link to its preview. The table below lists "
        "the same scenes.",
    "Scenariokaart, verschuifbaar": "Scenario map, scrollable",
    "De kaart kon niet worden getekend.": "The map could not be drawn.",
    "Open de kaart op ware grootte (SVG)": "Open the map at full size (SVG)",
    "Vorm en kleur: kaart (huis, blauw), scène (rechthoek, wit), vraag (zeshoek, geel), einde (achthoek, "
    "groen). Rood omrand: deze scène heeft een waarschuwing. Stippellijn: alleen onder een voorwaarde. "
    "Blauwe pijl: een plek op de kaart. Getallen: hoeveel deelnemers een scène bereikten en hoe vaak een "
    "keuze werd gekozen.":
        "Shape and colour: map (house, blue), scene (rectangle, white), question (hexagon, yellow), end "
        "(octagon, green). Red border: this scene has a warning. Dashed line: only under a condition. Blue "
        "arrow: a place on the map. Numbers: how many learners reached a scene and how often a choice was "
        "taken.",
    "Scènes in deze module": "Scenes in this module",
    "Scènes in deze module, met een link naar de preview": "Scenes in this module, with a link to the preview",
    "Scène": "Scene",
    "Soort": "Kind",
    "Deelnemers": "Learners",
    "begin": "start",
    "kaart": "map",
    "scène": "scene",
    "vraag": "question",
    "einde": "end",
    "er wordt niets opgeslagen en er komt geen certificaat.": "nothing is saved and no certificate is made.",
    "De laatste wijziging heeft fouten. U speelt de vorige goede versie.":
        "The last change has errors. You are playing the last good version.",
    "goed antwoord": "correct answer",
    "Resultaat voor deze module": "Result for this module",
    "Geslaagd voor de cursus.": "Passed the course.",
    "Niet geslaagd voor de cursus.": "Did not pass the course.",
    "In de preview komt er geen certificaat.": "The preview makes no certificate.",
    "Toestand": "State",
    "Zet vlaggen, variabelen, notities en score zoals u wilt, en speel verder. Stap {step}.":
        "Set flags, variables, notes and score as you like, and play on. Step {step}.",
    "Ga naar scène": "Go to scene",
    "Vlaggen": "Flags",
    "Deze cursus gebruikt geen vlaggen.": "This course uses no flags.",
    "Variabelen": "Variables",
    "Deze cursus gebruikt geen variabelen.": "This course uses no variables.",
    "Deze cursus heeft geen notities.": "This course has no notebook entries.",
    "Score in deze module": "Score in this module",
    "Toestand aanpassen": "Change the state",
    "Bezochte scènes": "Scenes visited",
    "Nog geen.": "None yet.",
    "Resultaten per module": "Results per module",
    "Begin opnieuw bij deze scène, met een lege toestand": "Start again at this scene, with an empty state",
    "Begin de cursus opnieuw": "Start the course again",
    "Scenariokaart van deze module": "Scenario map of this module",
    "Vul bij {name} een heel getal in.": "Enter a whole number for {name}.",
    "Vul bij de score een heel getal in.": "Enter a whole number for the score.",
    "De toestand is aangepast.": "The state has been changed.",
    "Hoe ver": "How far",
    "Keuzes": "Choices",
    "Toetsvragen": "Assessment questions",
    "Hoe deelnemers door de cursus gaan, uit het logboek van hun stappen. U ziet alleen aantallen en "
    "verdelingen, nooit wie iets deed.":
        "How learners move through the course, from the log of their steps. You see only counts and "
        "distributions, never who did what.",
    "Onderdelen van de analyse": "Parts of the analytics",
    "Versie van de cursus": "Version of the course",
    "Alle versies": "All versions",
    "Versie {version} van {date} ({n} pogingen)": "Version {version} of {date} ({n} attempts)",
    "de huidige": "the current one",
    "Begonnen vanaf": "Started from",
    "Begonnen tot en met": "Started up to and including",
    "Een datum, bijvoorbeeld 2025-03-01.": "A date, for example 2025-03-01.",
    "Nog geen gegevens.": "No data yet.",
    "De getallen: {title}": "The numbers: {title}",
    "Download als CSV: {title}": "Download as CSV: {title}",
    "Kies een versie uit de lijst.": "Choose a version from the list.",
    "Vul een datum in als jjjj-mm-dd, bijvoorbeeld 2025-03-01.": "Enter a date as yyyy-mm-dd, for example 2025-03-01.",
    "De einddatum ligt voor de begindatum.": "The end date is before the start date.",
    # confirming an e-mail address (registration, address change)
    "Uw e-mailadres is veranderd.": "Your e-mail address has been changed.",
    "Uw account bevestigen": "Confirm your account",
    "Hallo {name},\n\nU maakte een account. Bevestig uw e-mailadres met deze link:\n\n{link}\n\n"
    "De link werkt 24 uur. Maakte u geen account? Dan hoeft u niets te doen: zonder de link "
    "komt er geen account.\n":
        "Hello {name},\n\nYou created an account. Confirm your e-mail address with this link:\n\n{link}\n\n"
        "The link works for 24 hours. Did you not create an account? Then you need not do anything: "
        "without the link there is no account.\n",
    "Uw nieuwe e-mailadres bevestigen": "Confirm your new e-mail address",
    "Hallo {name},\n\nU wilt dit e-mailadres gebruiken voor uw account. Bevestig dat met deze "
    "link:\n\n{link}\n\nDe link werkt 24 uur. Vroeg u dit niet? Dan hoeft u niets te doen: "
    "er verandert niets.\n":
        "Hello {name},\n\nYou want to use this e-mail address for your account. Confirm that with this "
        "link:\n\n{link}\n\nThe link works for 24 hours. Did you not ask for this? Then you need not do "
        "anything: nothing changes.\n",
    "U heeft al een account": "You already have an account",
    "Hallo {name},\n\nIemand wilde een account maken met dit e-mailadres. Maar u heeft al een "
    "account. Log hier in:\n\n{login}\n\nWachtwoord vergeten? Vraag hier een nieuw wachtwoord "
    "aan:\n\n{forgot}\n\nDeed u dit niet zelf? Dan hoeft u niets te doen.\n":
        "Hello {name},\n\nSomeone wanted to create an account with this e-mail address. But you already "
        "have an account. Log in here:\n\n{login}\n\nForgot your password? Request a new one "
        "here:\n\n{forgot}\n\nWas this not you? Then you need not do anything.\n",
    "Dit e-mailadres heeft al een account": "This e-mail address already has an account",
    "Hallo,\n\nIemand wilde dit e-mailadres gebruiken voor een ander account. Dit adres hoort al "
    "bij een account, dus er verandert niets. Deed u dit niet zelf? Dan hoeft u niets te doen.\n":
        "Hello,\n\nSomeone wanted to use this e-mail address for another account. This address already "
        "belongs to an account, so nothing changes. Was this not you? Then you need not do anything.\n",
    "Kijk in uw mailbox": "Check your mailbox",
    "We hebben een e-mail gestuurd naar {email}. Klik op de link in die e-mail om uw account te maken. "
    "De link werkt 24 uur.":
        "We have sent an e-mail to {email}. Click the link in that e-mail to create your account. "
        "The link works for 24 hours.",
    "Uw andere gegevens zijn opgeslagen. We hebben een e-mail gestuurd naar {email}. Uw e-mailadres "
    "verandert pas als u op de link in die e-mail klikt. De link werkt 24 uur.":
        "Your other details have been saved. We have sent an e-mail to {email}. Your e-mail address "
        "changes only when you click the link in that e-mail. The link works for 24 hours.",
    "Geen e-mail gekregen? Kijk ook bij uw ongewenste e-mail. Komt er na een kwartier nog niets, "
    "controleer dan het adres en probeer het opnieuw.":
        "No e-mail? Look in your spam folder too. If nothing arrives within a quarter of an hour, "
        "check the address and try again.",
    "Verder als gast": "Continue as a guest",
    "Terug naar uw gegevens": "Back to your details",
    "E-mailadres bevestigen": "Confirm e-mail address",
    "U maakt een account voor {name} met het e-mailadres {email}.":
        "You are creating an account for {name} with the e-mail address {email}.",
    "Uw account krijgt het nieuwe e-mailadres {email}.": "Your account gets the new e-mail address {email}.",
    "E-mailadres veranderen": "Change e-mail address",
    "Dit e-mailadres hoort inmiddels bij een account. Log in met dat account, of vraag een nieuw "
    "wachtwoord aan.":
        "This e-mail address now belongs to an account. Log in with that account, or request a new password.",
    "Deze link werkt niet meer. Hij is al gebruikt of ouder dan 24 uur.":
        "This link no longer works. It has been used already or is older than 24 hours.",
    "Maak opnieuw een account": "Create an account again",
    # PE-online
    "PE-online": "PE-online",
    "Het doorgeven aan PE-online staat uit. Zet PE_ONLINE_ENABLED en de andere PE-online-instellingen aan "
    "om PE-punten automatisch te registreren.":
        "Passing on to PE-online is off. Set PE_ONLINE_ENABLED and the other PE-online settings to "
        "register PE points automatically.",
    "Elk geldig certificaat met een registratienummer en PE-punten wordt aan PE-online doorgegeven. Een "
    "afgewezen registratie kunt u opnieuw versturen als het registratienummer is verbeterd (met een nieuw "
    "certificaat). Bij 'handmatig nakijken' staat een registratie in PE-online van een certificaat dat is "
    "ingetrokken of veranderd: pas die in PE-online zelf aan.":
        "Every valid certificate with a registration number and PE points is passed on to PE-online. You can "
        "send a rejected registration again once the registration number has been corrected (with a new "
        "certificate). 'Check by hand' means PE-online holds a registration of a certificate that was revoked "
        "or changed: correct it in PE-online itself.",
    "Alles": "All",
    "Registraties in PE-online": "Registrations in PE-online",
    "Actie": "Action",
    "Geregistreerd op {date}.": "Registered on {date}.",
    "Reden van PE-online: {reason}": "PE-online's reason: {reason}",
    "Het certificaat is niet meer geldig; de registratie staat mogelijk nog in PE-online.":
        "The certificate is no longer valid; the registration may still be in PE-online.",
    "Poging {n} mislukt: {error}": "Try {n} failed: {error}",
    "Opnieuw versturen": "Send again",
    "Er zijn geen registraties.": "There are no registrations.",
    "wacht": "waiting",
    "wordt verstuurd": "being sent",
    "geregistreerd": "registered",
    "afgewezen": "rejected",
    "handmatig nakijken": "check by hand",
    "De registratie gaat mee met de volgende verzending naar PE-online.":
        "The registration goes with the next batch sent to PE-online.",
    "Je PE-punten zijn geregistreerd in PE-online op {date}.": "Your PE points were registered in PE-online on {date}.",
    "Je PE-punten worden doorgegeven aan PE-online.": "Your PE points are being passed on to PE-online.",
    "PE-online heeft je PE-punten afgewezen: {reason}.": "PE-online rejected your PE points: {reason}.",
    "Controleer je registratienummer in Mijn account. Klopt het niet, verbeter het dan en vraag een nieuw "
    "certificaat aan; dan geven we je punten opnieuw door.":
        "Check your registration number in My account. If it is wrong, correct it and ask for a new "
        "certificate; we then pass your points on again.",
}
