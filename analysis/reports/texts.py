"""Report texts in Dutch, French and English (the analysis package has no gettext)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "impact_title": {"nl": "Impactrapport", "fr": "Rapport d'impact", "en": "Impact report"},
    "diagnosis_title": {
        "nl": "Diagnoserapport",
        "fr": "Rapport de diagnostic",
        "en": "Diagnosis report",
    },
    "generated": {
        "nl": "Opgemaakt op {date}",
        "fr": "Établi le {date}",
        "en": "Produced on {date}",
    },
    "summary": {"nl": "Samenvatting", "fr": "Résumé", "en": "Summary"},
    "summary_intro": {
        "nl": "Per thema: is het gedrag van de medewerkers veranderd tussen de nulmeting "
        "({baseline}) en de opvolgmeting ({follow_up})? Scores gaan van 1 tot 5; "
        "hoger is duurzamer.",
        "fr": "Par thème : le comportement du personnel a-t-il changé entre la mesure initiale "
        "({baseline}) et la mesure de suivi ({follow_up}) ? Les scores vont de 1 à 5 ; "
        "plus haut signifie plus durable.",
        "en": "Per theme: did staff behaviour change between the baseline ({baseline}) and the "
        "follow-up ({follow_up})? Scores run from 1 to 5; higher is more sustainable.",
    },
    "participation": {"nl": "Deelname", "fr": "Participation", "en": "Participation"},
    "responses_rate": {
        "nl": "{wave}: {n} antwoorden, {rate} van de {headcount} medewerkers.",
        "fr": "{wave} : {n} réponses, soit {rate} des {headcount} membres du personnel.",
        "en": "{wave}: {n} responses, {rate} of the {headcount} staff.",
    },
    "responses_only": {
        "nl": "{wave}: {n} antwoorden.",
        "fr": "{wave} : {n} réponses.",
        "en": "{wave}: {n} responses.",
    },
    "caveats": {
        "nl": "Lees deze resultaten met deze kanttekeningen",
        "fr": "Points d'attention pour lire ces résultats",
        "en": "Read these results with these caveats",
    },
    "caveat_rate": {
        "nl": "Niet iedereen heeft geantwoord. Wie antwoordt, is misschien meer (of minder) "
        "begaan met het klimaat dan wie niet antwoordt.",
        "fr": "Tout le monde n'a pas répondu. Les personnes qui répondent sont peut-être plus "
        "(ou moins) sensibles au climat que les autres.",
        "en": "Not everyone answered. Those who did may care more (or less) about the climate "
        "than those who did not.",
    },
    "caveat_self_report": {
        "nl": "Het gaat om zelfgerapporteerd gedrag: wat mensen zeggen dat ze doen, niet wat "
        "gemeten werd.",
        "fr": "Il s'agit de comportements déclarés : ce que les personnes disent faire, et non "
        "ce qui a été mesuré.",
        "en": "This is self-reported behaviour: what people say they do, not what was measured.",
    },
    "caveat_independent": {
        "nl": "De twee metingen zijn niet noodzakelijk door dezelfde mensen ingevuld; "
        "de vergelijking behandelt ze als twee aparte groepen.",
        "fr": "Les deux mesures n'ont pas forcément été remplies par les mêmes personnes ; "
        "la comparaison les traite comme deux groupes distincts.",
        "en": "The two waves were not necessarily answered by the same people; the comparison "
        "treats them as two separate groups.",
    },
    "caveat_linked": {
        "nl": "{pairs} medewerkers vulden beide metingen in met dezelfde anonieme koppelcode "
        "({exact} exact, {tolerant} met één afwijkend element). Voor hen vergelijkt het rapport "
        "voor en na per persoon; de anderen tellen mee als aparte groepen (toets voor "
        "gedeeltelijk gekoppelde steekproeven). Wie zich koppelde, is niet per se typisch voor "
        "iedereen.",
        "fr": "{pairs} membres du personnel ont répondu aux deux mesures avec le même code de "
        "liaison anonyme ({exact} exacts, {tolerant} avec un élément différent). Pour eux, le "
        "rapport compare avant et après par personne ; les autres comptent comme groupes "
        "distincts (test pour échantillons partiellement appariés). Les personnes liées ne "
        "sont pas forcément représentatives de tous.",
        "en": "{pairs} staff answered both waves with the same anonymous linking code ({exact} "
        "exact, {tolerant} with one element differing). For them the report compares before and "
        "after per person; the others count as separate groups (partially overlapping samples "
        "test). Those who linked are not necessarily typical of everyone.",
    },
    "change_per_theme": {
        "nl": "Verandering per thema",
        "fr": "Changement par thème",
        "en": "Change per theme",
    },
    "theme": {"nl": "Thema", "fr": "Thème", "en": "Theme"},
    "item": {"nl": "Vraag", "fr": "Question", "en": "Question"},
    "baseline": {"nl": "Nulmeting", "fr": "Mesure initiale", "en": "Baseline"},
    "follow_up": {"nl": "Opvolgmeting", "fr": "Mesure de suivi", "en": "Follow-up"},
    "difference_ci": {
        "nl": "Verschil [95%-BI]",
        "fr": "Différence [IC 95 %]",
        "en": "Difference [95% CI]",
    },
    "hedges_g": {
        "nl": "Effectgrootte g [95%-BI]",
        "fr": "Taille d'effet g [IC 95 %]",
        "en": "Effect size g [95% CI]",
    },
    "p_holm": {"nl": "p (Holm)", "fr": "p (Holm)", "en": "p (Holm)"},
    "p_bh": {"nl": "p (BH)", "fr": "p (BH)", "en": "p (BH)"},
    "mde": {"nl": "Aantoonbaar vanaf", "fr": "Détectable à partir de", "en": "Detectable from"},
    "verdict": {"nl": "Oordeel", "fr": "Verdict", "en": "Verdict"},
    "n": {"nl": "n", "fr": "n", "en": "n"},
    "points": {"nl": "ptn", "fr": "pts", "en": "pts"},
    "df": {"nl": "vg", "fr": "ddl", "en": "df"},
    "mean": {
        "nl": "Gemiddelde (nul → opvolg)",
        "fr": "Moyenne (initiale → suivi)",
        "en": "Mean (baseline → follow-up)",
    },
    "mean_score": {"nl": "Gemiddelde score", "fr": "Score moyen", "en": "Mean score"},
    "top2": {
        "nl": "Vaak/altijd of (helemaal) eens: nul → opvolg",
        "fr": "Souvent/toujours ou d'accord : initiale → suivi",
        "en": "Often/always or agree: baseline → follow-up",
    },
    "prob_superiority": {
        "nl": "P(opvolg > nul)",
        "fr": "P(suivi > initiale)",
        "en": "P(follow-up > baseline)",
    },
    "items_detail": {
        "nl": "Detail per vraag (verkennend)",
        "fr": "Détail par question (exploratoire)",
        "en": "Detail per question (exploratory)",
    },
    "reliability": {
        "nl": "Betrouwbaarheid van de themascores",
        "fr": "Fiabilité des scores par thème",
        "en": "Reliability of the theme scores",
    },
    "reliability_intro": {
        "nl": "Cronbachs alfa per thema en meting. Vanaf ongeveer 0,7 meten de vragen van een "
        "thema samen hetzelfde.",
        "fr": "Alpha de Cronbach par thème et par mesure. À partir d'environ 0,7, les questions "
        "d'un thème mesurent ensemble la même chose.",
        "en": "Cronbach's alpha per theme and wave. From about 0.7 the questions of a theme "
        "measure the same thing together.",
    },
    "alpha": {"nl": "Alfa", "fr": "Alpha", "en": "Alpha"},
    "prorated": {"nl": "Aangevulde scores", "fr": "Scores complétés", "en": "Prorated scores"},
    "engagement": {
        "nl": "Betrokkenheid en draagvlak",
        "fr": "Engagement et adhésion",
        "en": "Engagement and support",
    },
    "departments": {
        "nl": "Deelname per dienst",
        "fr": "Participation par service",
        "en": "Participation per department",
    },
    "over_time": {
        "nl": "Deelname in de tijd",
        "fr": "Participation dans le temps",
        "en": "Participation over time",
    },
    "small_groups": {
        "nl": "Groepen van minder dan {k} mensen worden niet apart getoond.",
        "fr": "Les groupes de moins de {k} personnes ne sont pas présentés séparément.",
        "en": "Groups of fewer than {k} people are not shown separately.",
    },
    "methods": {"nl": "Methode", "fr": "Méthode", "en": "Methods"},
    "methods_themes": {
        "nl": "Themascore: gemiddelde van de vragen van een thema (omgekeerd gestelde vragen "
        "omgepoold; 'niet van toepassing' telt als ontbrekend), enkel als minstens {share} "
        "van de vragen beantwoord is. Vergelijking: Welch-t-toets, verschil met "
        "t-betrouwbaarheidsinterval, Hedges g met BCa-bootstrapinterval ({resamples} "
        "herhalingen, vaste seed {seed}), Holm-correctie over de thema's. Oordeel "
        "'verbeterd' of 'achteruitgegaan' bij p (Holm) < {alpha}; minder dan {min_scores} "
        "scores in een meting is 'te weinig gegevens'. De kleinste aantoonbare verandering "
        "gaat uit van {power} power.",
        "fr": "Score par thème : moyenne des questions du thème (questions inversées recodées ; "
        "« sans objet » compte comme manquant), seulement si au moins {share} des questions "
        "ont une réponse. Comparaison : test t de Welch, différence avec intervalle de "
        "confiance t, g de Hedges avec intervalle bootstrap BCa ({resamples} répétitions, "
        "graine fixe {seed}), correction de Holm sur les thèmes. Verdict « amélioration » ou "
        "« détérioration » si p (Holm) < {alpha} ; moins de {min_scores} scores dans une "
        "mesure donne « trop peu de données ». Le plus petit changement détectable suppose "
        "une puissance de {power}.",
        "en": "Theme score: mean of the theme's questions (reverse-worded questions recoded; "
        "'not applicable' counts as missing), only when at least {share} of the questions "
        "are answered. Comparison: Welch t-test, difference with t interval, Hedges g with "
        "a BCa bootstrap interval ({resamples} resamples, fixed seed {seed}), Holm "
        "correction across themes. Verdict 'improved' or 'worsened' when p (Holm) < {alpha}; "
        "fewer than {min_scores} scores in a wave gives 'too little data'. The minimum "
        "detectable change assumes {power} power.",
    },
    "methods_items": {
        "nl": "Vragen: Brunner-Munzel-toets met de kans P(opvolg > nul) + ½P(gelijk) en "
        "interval; aandeel in de twee hoogste antwoorden met Newcombe-interval; ja/nee-"
        "vragen als proporties; Benjamini-Hochberg-correctie over de vragen.",
        "fr": "Questions : test de Brunner-Munzel avec la probabilité P(suivi > initiale) + "
        "½P(égalité) et son intervalle ; part dans les deux réponses les plus hautes avec "
        "intervalle de Newcombe ; questions oui/non en proportions ; correction de "
        "Benjamini-Hochberg sur les questions.",
        "en": "Questions: Brunner–Munzel test with P(follow-up > baseline) + ½P(tie) and its "
        "interval; share in the top two answers with the Newcombe interval; yes/no "
        "questions as proportions; Benjamini–Hochberg correction across questions.",
    },
    "software": {"nl": "Software", "fr": "Logiciels", "en": "Software"},
    "questionnaire": {"nl": "Vragenlijst", "fr": "Questionnaire", "en": "Questionnaire"},
    # diagnosis
    "diagnosis_intro": {
        "nl": "Waar is de ruimte voor verbetering het grootst, en waar zijn collega's bereid om "
        "te veranderen? Gebaseerd op de nulmeting ({baseline}, {n} antwoorden).",
        "fr": "Où la marge de progrès est-elle la plus grande, et où les collègues sont-ils prêts "
        "à changer ? Sur la base de la mesure initiale ({baseline}, {n} réponses).",
        "en": "Where is the room for improvement largest, and where are colleagues willing to "
        "change? Based on the baseline ({baseline}, {n} responses).",
    },
    "room_per_theme": {
        "nl": "Ruimte voor verbetering per thema",
        "fr": "Marge de progrès par thème",
        "en": "Room for improvement per theme",
    },
    "room": {
        "nl": "Nog niet (vaak) gedaan",
        "fr": "Pas encore (souvent) fait",
        "en": "Not yet done (often)",
    },
    "willingness": {
        "nl": "Bereid om te veranderen",
        "fr": "Prêt à changer",
        "en": "Willing to change",
    },
    "largest_room": {
        "nl": "Gedrag met de meeste ruimte voor verbetering",
        "fr": "Comportements avec la plus grande marge de progrès",
        "en": "Behaviours with the most room for improvement",
    },
    "priority_matrix": {
        "nl": "Prioriteiten: ruimte voor verbetering en bereidheid",
        "fr": "Priorités : marge de progrès et volonté de changer",
        "en": "Priorities: room for improvement and willingness",
    },
    "starting_points": {
        "nl": "Voorstellen om mee te starten in het actieplan",
        "fr": "Pistes de départ pour le plan d'action",
        "en": "Suggested starting points for the action plan",
    },
    "starting_point": {
        "nl": "{item} — {room} doet dit nog niet vaak, en in het thema {theme} is {will} bereid "
        "om te veranderen.",
        "fr": "{item} — {room} ne le font pas encore souvent, et dans le thème {theme}, {will} "
        "sont prêts à changer.",
        "en": "{item} — {room} do not do this often yet, and in the theme {theme} {will} are "
        "willing to change.",
    },
    "answers_per_theme": {
        "nl": "Antwoorden per thema",
        "fr": "Réponses par thème",
        "en": "Answers per theme",
    },
    "no_willingness": {
        "nl": "(geen vraag naar bereidheid)",
        "fr": "(pas de question sur la volonté)",
        "en": "(no willingness question)",
    },
    # estimated savings (impact report, klimaatpeil impact)
    "savings": {
        "nl": "Geschatte besparingen",
        "fr": "Économies estimées",
        "en": "Estimated savings",
    },
    "savings_intro": {
        "nl": "Wat de gemeten verandering in gedrag tussen {baseline} en {follow_up} per jaar zou "
        "besparen voor {headcount} medewerkers. Dit zijn bandbreedtes, geen exacte cijfers: ze "
        "steunen op zelfgerapporteerd gedrag en op gepubliceerde kengetallen en aannames (zie de "
        "tabel hieronder). Per regel: laag – hoog (centraal).",
        "fr": "Ce que le changement de comportement mesuré entre {baseline} et {follow_up} "
        "permettrait d'économiser par an pour {headcount} membres du personnel. Ce sont des "
        "fourchettes, pas des chiffres exacts : elles reposent sur des comportements déclarés et "
        "sur des facteurs publiés et des hypothèses (voir le tableau ci-dessous). Par ligne : "
        "bas – haut (central).",
        "en": "What the measured change in behaviour between {baseline} and {follow_up} would save "
        "per year for {headcount} staff. These are ranges, not exact figures: they rest on "
        "self-reported behaviour and on published factors and assumptions (see the table "
        "below). Per row: low – high (central).",
    },
    "savings_not_summed": {
        "nl": "Tel de bandbreedtes van de regels niet op tot één totaal: ze overlappen deels en "
        "zijn geen betrouwbaarheidsintervallen. Een negatieve ondergrens betekent dat de "
        "verandering evengoed niets of iets gekost kan hebben.",
        "fr": "N'additionnez pas les fourchettes des lignes en un total : elles se recoupent en "
        "partie et ne sont pas des intervalles de confiance. Une borne inférieure négative "
        "signifie que le changement pourrait tout aussi bien n'avoir rien économisé, voire coûté.",
        "en": "Do not add the ranges of the rows up into one total: they partly overlap and are "
        "not confidence intervals. A negative lower end means the change may as well have saved "
        "nothing, or even cost something.",
    },
    "savings_cli_header": {
        "nl": "Geschatte besparingen per jaar voor {headcount} medewerkers ({baseline} → "
        "{follow_up}), per regel laag – hoog (centraal):",
        "fr": "Économies estimées par an pour {headcount} membres du personnel ({baseline} → "
        "{follow_up}), par ligne bas – haut (central) :",
        "en": "Estimated savings per year for {headcount} staff ({baseline} → {follow_up}), "
        "per row low – high (central):",
    },
    "savings_no_headcount": {
        "nl": "Geen besparingen geschat: het personeelsaantal is niet bekend.",
        "fr": "Pas d'économies estimées : l'effectif n'est pas connu.",
        "en": "No savings estimated: the headcount is not known.",
    },
    "savings_bad_factors": {
        "nl": "Geen besparingen geschat: de lokale kengetallen zijn niet bruikbaar ({error}).",
        "fr": "Pas d'économies estimées : les chiffres locaux ne sont pas utilisables ({error}).",
        "en": "No savings estimated: the local figures cannot be used ({error}).",
    },
    "savings_rule": {
        "nl": "Gedragsverandering",
        "fr": "Changement de comportement",
        "en": "Behaviour change",
    },
    "kwh_year": {"nl": "kWh per jaar", "fr": "kWh par an", "en": "kWh per year"},
    "kg_co2e_year": {"nl": "kg CO2e per jaar", "fr": "kg CO2e par an", "en": "kg CO2e per year"},
    "eur_year": {"nl": "€ per jaar", "fr": "€ par an", "en": "€ per year"},
    "too_little_data": {
        "nl": "te weinig gegevens",
        "fr": "trop peu de données",
        "en": "too little data",
    },
    "measured_change": {
        "nl": "Gemeten verandering (+ = besparend): {change}",
        "fr": "Changement mesuré (+ = économie) : {change}",
        "en": "Measured change (+ = saving): {change}",
    },
    "unit_share": {"nl": "procentpunt", "fr": "points de %", "en": "percentage points"},
    "unit_pages_week": {
        "nl": "pagina's per week",
        "fr": "pages par semaine",
        "en": "pages per week",
    },
    "assumptions": {
        "nl": "Kengetallen en aannames",
        "fr": "Facteurs et hypothèses",
        "en": "Factors and assumptions",
    },
    "assumptions_intro": {
        "nl": "Elk cijfer achter de schattingen, met eenheid, bron en jaar. Een lokaal cijfer "
        "(eigen factuur, eigen meting) vervangt de gepubliceerde waarde en heeft geen bereik.",
        "fr": "Chaque chiffre derrière les estimations, avec unité, source et année. Un chiffre "
        "local (propre facture, propre mesure) remplace la valeur publiée et n'a pas de plage.",
        "en": "Every figure behind the estimates, with unit, source and year. A local figure "
        "(own invoice, own measurement) replaces the published value and has no range.",
    },
    "figure": {"nl": "Kengetal", "fr": "Facteur", "en": "Figure"},
    "value": {"nl": "Waarde", "fr": "Valeur", "en": "Value"},
    "range": {"nl": "Bereik", "fr": "Plage", "en": "Range"},
    "unit": {"nl": "Eenheid", "fr": "Unité", "en": "Unit"},
    "source": {"nl": "Bron", "fr": "Source", "en": "Source"},
    "year": {"nl": "Jaar", "fr": "Année", "en": "Year"},
    "origin": {"nl": "Soort", "fr": "Type", "en": "Kind"},
    "origin_factor": {"nl": "gepubliceerd", "fr": "publié", "en": "published"},
    "origin_assumption": {"nl": "aanname", "fr": "hypothèse", "en": "assumption"},
    "origin_measured": {
        "nl": "gemeten in deze bevraging",
        "fr": "mesuré dans cette enquête",
        "en": "measured in this survey",
    },
    "origin_local": {"nl": "lokaal cijfer", "fr": "chiffre local", "en": "local figure"},
    "year_undated": {"nl": "zonder datum", "fr": "non daté", "en": "undated"},
    "year_varies": {"nl": "wisselend", "fr": "variable", "en": "varies"},
    "year_this_survey": {"nl": "deze bevraging", "fr": "cette enquête", "en": "this survey"},
    # actions
    "actions_in_theme": {
        "nl": "Acties in dit thema",
        "fr": "Actions dans ce thème",
        "en": "Actions in this theme",
    },
    "actions_other": {
        "nl": "Acties bij andere thema's",
        "fr": "Actions liées à d'autres thèmes",
        "en": "Actions for other themes",
    },
    "action": {"nl": "Actie", "fr": "Action", "en": "Action"},
    "status": {"nl": "Status", "fr": "Statut", "en": "Status"},
    "targeted_change": {
        "nl": "Beoogde vragen: vaak/altijd, verschil [95%-BI]",
        "fr": "Questions visées : souvent/toujours, différence [IC 95 %]",
        "en": "Targeted questions: often/always, difference [95% CI]",
    },
    "no_targeted_items": {
        "nl": "geen vragen gekoppeld",
        "fr": "aucune question liée",
        "en": "no questions linked",
    },
    "owner": {"nl": "trekker: {owner}", "fr": "responsable : {owner}", "en": "owner: {owner}"},
    "status_idea": {"nl": "idee", "fr": "idée", "en": "idea"},
    "status_planned": {"nl": "gepland", "fr": "prévue", "en": "planned"},
    "status_running": {"nl": "loopt", "fr": "en cours", "en": "running"},
    "status_done": {"nl": "afgerond", "fr": "terminée", "en": "done"},
    "status_dropped": {"nl": "geschrapt", "fr": "abandonnée", "en": "dropped"},
    "type_behaviour": {"nl": "gedrag", "fr": "comportement", "en": "behaviour"},
    "type_infrastructure": {"nl": "infrastructuur", "fr": "infrastructure", "en": "infrastructure"},
    "type_organisation": {"nl": "organisatie", "fr": "organisation", "en": "organisation"},
    "horizon_short": {"nl": "korte termijn", "fr": "court terme", "en": "short term"},
    "horizon_long": {"nl": "lange termijn", "fr": "long terme", "en": "long term"},
    "action_plan": {
        "nl": "Actieplan per thema",
        "fr": "Plan d'action par thème",
        "en": "Action plan per theme",
    },
    "action_plan_intro": {
        "nl": "De acties van het klimaatteam, met per beoogde vraag het aandeel dat dit bij de "
        "nulmeting nog niet (vaak) deed.",
        "fr": "Les actions de l'équipe climat, avec pour chaque question visée la part qui ne le "
        "faisait pas encore (souvent) lors de la mesure initiale.",
        "en": "The climate team's actions, with for each targeted question the share not yet "
        "doing it (often) at the baseline.",
    },
    "not_yet_item": {
        "nl": "{item}: {share} nog niet (vaak)",
        "fr": "{item} : {share} pas encore (souvent)",
        "en": "{item}: {share} not yet (often)",
    },
    "page": {"nl": "Pagina", "fr": "Page", "en": "Page"},
}


def text(key: str, language: str, **values: object) -> str:
    """The text ``key`` in ``language`` with ``values`` filled in."""
    template = TEXTS[key][language]
    return template.format(**values) if values else template
