"""Texts of the analytics tables and charts: Dutch is the source, English is looked up in EN.

Same convention as elearning/web/i18n.py; a test checks every text has an English version.
"""

from __future__ import annotations

from collections.abc import Callable

from elearning import texts as shared_texts


def translator(lang: str) -> Callable[..., str]:
    return shared_texts.translator(EN, lang)


EN: dict[str, str] = {
    # overview
    "Gestart": "Started",
    "Afgerond": "Completed",
    "Geslaagd": "Passed",
    "Starts, afrondingen en geslaagden": "Starts, completions and passes",
    "Pogingen die in de gekozen periode begonnen. Slaagpercentage: het deel van de afgeronde "
    "pogingen dat slaagde.":
        "Attempts that started in the chosen period. Pass rate: the share of the completed "
        "attempts that passed.",
    "Meting": "Measure",
    "Wat": "What",
    "Pogingen": "Attempts",
    "Deel van de starts": "Share of starts",
    "Deel van de afgeronde": "Share of completions",
    # duration
    "Kortste": "Shortest",
    "Eerste kwartiel": "First quartile",
    "Mediaan": "Median",
    "Derde kwartiel": "Third quartile",
    "Langste": "Longest",
    "Tijd van start tot afronding": "Time from start to completion",
    "Van de afgeronde pogingen: de tijd tussen start en afronding, pauzes meegerekend. De helft "
    "zit tussen het eerste en derde kwartiel.":
        "Of the completed attempts: the time between start and completion, breaks included. "
        "Half of them lie between the first and third quartile.",
    "Maat": "Statistic",
    "Tijd": "Time",
    "{low} of langer": "{low} or longer",
    "Verdeling van de tijd tot afronding": "Distribution of the time to completion",
    "Aantal afgeronde pogingen per tijdvak; het laatste vak telt ook alle langere.":
        "Completed attempts per time band; the last band also counts all longer ones.",
    "Vanaf (seconden)": "From (seconds)",
    "Tot (seconden)": "To (seconds)",
    "Tijdvak": "Time band",
    # funnel
    "Hoe ver komen deelnemers?": "How far do learners get?",
    "Per scène: hoeveel pogingen er kwamen, als deel van alle starts, en hoeveel niet-afgeronde "
    "pogingen nu op die scène staan (gestopt of nog bezig).":
        "Per scene: how many attempts reached it, as a share of all starts, and how many "
        "unfinished attempts are on that scene now (stopped or still busy).",
    "Module": "Module",
    "Scène-id": "Scene id",
    "Scène": "Scene",
    "Nu hier, niet afgerond": "Here now, not completed",
    # choices
    "keuze": "choice",
    "plek": "place",
    "Keuzes per scène": "Choices per scene",
    "Hoe vaak elke keuze en elke plek op de kaart werd gekozen (herhalingen meegeteld), en het "
    "deel van alle keuzes op die scène.":
        "How often each choice and each place on the map was chosen (repeats included), and the "
        "share of all choices on that scene.",
    "Soort": "Kind",
    "Keuze-id": "Choice id",
    "Keuze": "Choice",
    "Keer gekozen": "Times chosen",
    "Deel op deze scène": "Share on this scene",
    "Keuzes": "Choices",
    # questions
    "Toetsvragen": "Assessment questions",
    "Deel goed: bij het eerste antwoord van elke poging. Onderscheidend vermogen: de samenhang "
    "(van -1 tot 1) tussen deze vraag goed hebben en de score op de andere vragen van de module, "
    "bij pogingen die de module afrondden. Vanaf 0,3 is goed, onder 0,2 zwak; negatief betekent: "
    "sterke deelnemers hebben de vraag vaker fout, kijk de vraag na.":
        "Share correct: of each attempt's first answer. Discrimination: the correlation (from -1 "
        "to 1) between getting this question right and the score on the module's other "
        "questions, over the attempts that completed the module. From 0.3 is good, below 0.2 "
        "weak; negative means strong learners get it wrong more often: review the question.",
    "Vraag": "Question",
    "Antwoorden": "Answers",
    "Eerste keer goed": "Right the first time",
    "Deel goed": "Share correct",
    "Pogingen met modulescore": "Attempts with a module score",
    "Onderscheidend vermogen": "Discrimination",
    "Deel goed per vraag": "Share correct per question",
    "Onderscheidend vermogen per vraag": "Discrimination per question",
    # answers
    "Gekozen antwoorden": "Answers picked",
    "Hoe vaak elk antwoord werd gekozen (herhalingen meegeteld), als deel van alle keren dat de "
    "vraag werd beantwoord. Bij meer goede antwoorden telt elk gekozen antwoord mee.":
        "How often each answer was picked (repeats included), as a share of all times the "
        "question was answered. Where several answers may be picked, each one counts.",
    "Antwoord-id": "Answer id",
    "Antwoord": "Answer",
    "Goed antwoord": "Correct answer",
    "Deel van de antwoorden": "Share of the answers",
    # notebook
    "Gemiste notities": "Missed notebook entries",
    "Per notitie: hoeveel pogingen de module afrondden waarin je de notitie kunt vinden, en "
    "hoeveel van hen de notitie niet vonden. Meest gemist bovenaan.":
        "Per entry: how many attempts completed the module where the entry can be found, and "
        "how many of them did not find it. Most missed first.",
    "Notitie-id": "Entry id",
    "Notitie": "Entry",
    "Module afgerond": "Module completed",
    "Gevonden": "Found",
    "Gemist": "Missed",
    "Deel gemist": "Share missed",
    # charts
    "Nog geen gegevens.": "No data yet.",
    "Staafdiagram: {title}. De getallen staan ook in de tabel.":
        "Bar chart: {title}. The numbers are also in the table.",
    "Histogram: {title}. De getallen staan ook in de tabel.":
        "Histogram: {title}. The numbers are also in the table.",
}
