"""Languages of the pages: Dutch (the source text) and English.

Templates and views write the Dutch text, `_("Inloggen")`; in English the text is looked
up in `EN`, with `{name}` placeholders filled in after translation. A test checks that
every text used has an English translation. Course content stays in the course's language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import HTTPConnection

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
    table = EN if lang == "en" else None

    def translate(text: str, **values: Any) -> str:
        if table is not None:
            text = table.get(text, text)
        return text.format(**values) if values else text

    return translate


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
    "Deze site werkt met toetsenbord en zonder JavaScript.": "This site works with a keyboard and without JavaScript.",
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
    "Vul een e-mailadres in zoals naam@voorbeeld.nl.": "Enter an e-mail address such as name@example.com.",
    "Kies een wachtwoord van minstens {n} tekens.": "Choose a password of at least {n} characters.",
    "Kies een wachtwoord van hoogstens {n} tekens.": "Choose a password of at most {n} characters.",
    "Er zijn vanaf uw adres te veel accounts gemaakt. Probeer het over een uur opnieuw.":
        "Too many accounts were created from your address. Try again in an hour.",
    "Er is al een account met dit e-mailadres. Log in, of vraag een nieuw wachtwoord aan.":
        "There already is an account with this e-mail address. Log in, or request a new password.",
    "Uw wachtwoord is veranderd. Log in met uw nieuwe wachtwoord.":
        "Your password has been changed. Log in with your new password.",
    "Vul uw wachtwoord in.": "Enter your password.",
    "Te veel mislukte pogingen. Wacht een kwartier en probeer het dan opnieuw.":
        "Too many failed attempts. Wait a quarter of an hour and try again.",
    "Dit e-mailadres en wachtwoord horen niet bij elkaar. Controleer ze en probeer het opnieuw.":
        "This e-mail address and password do not match. Check them and try again.",
    "Uw gegevens zijn opgeslagen.": "Your details have been saved.",
    "Uw wachtwoord is veranderd.": "Your password has been changed.",
    "Vul uw huidige wachtwoord in om uw e-mailadres te veranderen.":
        "Enter your current password to change your e-mail address.",
    "Dit e-mailadres hoort al bij een ander account.": "This e-mail address already belongs to another account.",
    "Uw huidige wachtwoord klopt niet.": "Your current password is not correct.",
    "Een nieuw wachtwoord kiezen": "Choosing a new password",
    "Hallo {name},\n\nU vroeg om een nieuw wachtwoord. Kies een nieuw wachtwoord met deze link:\n\n"
    "{link}\n\nDe link werkt één uur en maar één keer. Vroeg u niet om een nieuw wachtwoord? "
    "Dan hoeft u niets te doen: uw wachtwoord blijft hetzelfde.\n":
        "Hello {name},\n\nYou asked for a new password. Choose a new password with this link:\n\n"
        "{link}\n\nThe link works for one hour, and only once. Did you not ask for a new password? "
        "Then you need not do anything: your password stays the same.\n",
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
    "Naar de cursussen": "Go to the courses",
}
