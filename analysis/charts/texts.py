"""Every word the charts show, in Dutch, French and English.

Kept as plain dictionaries (no gettext) so that the analysis library stays
usable without the app's translation catalogues.
"""

from __future__ import annotations

from analysis.verdicts import check_language

TEXTS: dict[str, dict[str, str]] = {
    "nl": {
        "answer": "Antwoord",
        "agree_share": "Aandeel (helemaal) eens",
        "cumulative": "Antwoorden tot dan",
        "date": "Datum",
        "day": "Dag van de meting",
        "department": "Afdeling",
        "difference": "Verschil (schaal 1–5)",
        "fewer_than": "minder dan {threshold}",
        "headcount": "Medewerkers",
        "interval": "Betrouwbaarheidsinterval",
        "item": "Item",
        "likert_axis": "← minder groen · Aandeel medewerkers · groener →",
        "mean_score": "Gemiddelde score (schaal 1–5)",
        "n": "Aantal scores",
        "not_yet": "Doet het nog niet (aandeel medewerkers)",
        "quadrant": "veel ruimte, veel bereidheid",
        "response_rate": "Respons (aandeel medewerkers)",
        "responses": "Antwoorden",
        "responses_day": "Antwoorden die dag",
        "share": "Aandeel",
        "share_staff": "Aandeel medewerkers",
        "theme": "Thema",
        "verdict": "Oordeel",
        "wave": "Meting",
        "willingness": "Bereid om te veranderen (aandeel medewerkers)",
        "desc_likert": "Antwoorden per item{title}, nulmeting naast opvolgmeting. Links van de "
        "nullijn de minst groene antwoorden, rechts de groenste; het middelste antwoord staat "
        "half links en half rechts.",
        "desc_change": "Verschil in gemiddelde themascore tussen de metingen, per thema, met "
        "betrouwbaarheidsinterval. {summary}.",
        "desc_participation": "Cumulatieve respons per dag sinds de start van elke meting, als "
        "aandeel van het aantal medewerkers. Eindstand: {summary}.",
        "desc_departments": "Respons per afdeling en meting, als aandeel van het aantal "
        "medewerkers. Groepen met minder dan {threshold} antwoorden worden niet getoond.",
        "desc_engagement": "Aandeel medewerkers dat (helemaal) akkoord gaat, per stelling en "
        "meting, met betrouwbaarheidsinterval.",
        "desc_priority": "Diagnose: per gedrag het aandeel medewerkers dat het nog niet doet "
        "(horizontaal) tegenover de bereidheid om te veranderen binnen het thema (verticaal). "
        "Rechtsboven staat het gedrag met veel ruimte en veel bereidheid.",
        "desc_scores": "Gemiddelde themascore (1 tot 5, hoger is groener) per thema en meting, "
        "met betrouwbaarheidsinterval.",
    },
    "fr": {
        "answer": "Réponse",
        "agree_share": "Part (tout à fait) d'accord",
        "cumulative": "Réponses jusque-là",
        "date": "Date",
        "day": "Jour de la mesure",
        "department": "Service",
        "difference": "Différence (échelle 1–5)",
        "fewer_than": "moins de {threshold}",
        "headcount": "Effectif",
        "interval": "Intervalle de confiance",
        "item": "Item",
        "likert_axis": "← moins vert · Part du personnel · plus vert →",
        "mean_score": "Score moyen (échelle 1–5)",
        "n": "Nombre de scores",
        "not_yet": "Ne le fait pas encore (part du personnel)",
        "quadrant": "beaucoup de marge, beaucoup de volonté",
        "response_rate": "Taux de réponse (part du personnel)",
        "responses": "Réponses",
        "responses_day": "Réponses ce jour-là",
        "share": "Part",
        "share_staff": "Part du personnel",
        "theme": "Thème",
        "verdict": "Verdict",
        "wave": "Mesure",
        "willingness": "Prêt à changer (part du personnel)",
        "desc_likert": "Réponses par item{title}, mesure initiale à côté de la mesure de suivi. "
        "À gauche de la ligne zéro les réponses les moins vertes, à droite les plus vertes ; la "
        "réponse du milieu est répartie moitié à gauche, moitié à droite.",
        "desc_change": "Différence du score moyen par thème entre les mesures, avec intervalle de "
        "confiance. {summary}.",
        "desc_participation": "Taux de réponse cumulé par jour depuis l'ouverture de chaque "
        "mesure, en part de l'effectif. Résultat final : {summary}.",
        "desc_departments": "Taux de réponse par service et par mesure, en part de l'effectif. "
        "Les groupes de moins de {threshold} réponses ne sont pas montrés.",
        "desc_engagement": "Part du personnel (tout à fait) d'accord, par affirmation et par "
        "mesure, avec intervalle de confiance.",
        "desc_priority": "Diagnostic : pour chaque comportement, la part du personnel qui ne le "
        "fait pas encore (horizontal) face à la volonté de changer dans le thème (vertical). En "
        "haut à droite : beaucoup de marge et beaucoup de volonté.",
        "desc_scores": "Score moyen par thème (1 à 5, plus haut est plus vert) et par mesure, "
        "avec intervalle de confiance.",
    },
    "en": {
        "answer": "Answer",
        "agree_share": "Share (strongly) agreeing",
        "cumulative": "Responses so far",
        "date": "Date",
        "day": "Day of the wave",
        "department": "Department",
        "difference": "Difference (scale 1–5)",
        "fewer_than": "fewer than {threshold}",
        "headcount": "Headcount",
        "interval": "Confidence interval",
        "item": "Item",
        "likert_axis": "← less green · Share of staff · greener →",
        "mean_score": "Mean score (scale 1–5)",
        "n": "Number of scores",
        "not_yet": "Not doing it yet (share of staff)",
        "quadrant": "much room, much willingness",
        "response_rate": "Response rate (share of staff)",
        "responses": "Responses",
        "responses_day": "Responses that day",
        "share": "Share",
        "share_staff": "Share of staff",
        "theme": "Theme",
        "verdict": "Verdict",
        "wave": "Wave",
        "willingness": "Willing to change (share of staff)",
        "desc_likert": "Answers per item{title}, baseline next to follow-up. Left of the zero "
        "line the least green answers, right of it the greenest; the middle answer is split "
        "half left, half right.",
        "desc_change": "Difference in mean theme score between the waves, per theme, with its "
        "confidence interval. {summary}.",
        "desc_participation": "Cumulative response rate per day since each wave opened, as a "
        "share of the headcount. Final rate: {summary}.",
        "desc_departments": "Response rate per department and wave, as a share of the headcount. "
        "Groups with fewer than {threshold} responses are not shown.",
        "desc_engagement": "Share of staff who (strongly) agree, per statement and wave, with "
        "its confidence interval.",
        "desc_priority": "Diagnosis: for each behaviour, the share of staff not doing it yet "
        "(horizontal) against the willingness to change in its theme (vertical). Top right: "
        "much room and much willingness.",
        "desc_scores": "Mean theme score (1 to 5, higher is greener) per theme and wave, with "
        "its confidence interval.",
    },
}


def texts(language: str) -> dict[str, str]:
    """The texts for ``language``; a ValueError names the languages on offer."""
    return TEXTS[check_language(language)]
