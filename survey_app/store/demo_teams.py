"""Many demo municipalities for trying the figures across teams (``demo --teams N``).

Gemeente Demodorp (:mod:`survey_app.store.demo`) is the first team; this
module adds the others, each an organisation with departments, one campaign
with a closed baseline and a closed follow-up of synthetic answers, and an
action plan. The effects are realistic and varied: a team's themes move by
a team-level effect drawn around 0.3 standard deviations with real
heterogeneity, boosted on the themes where the team carried out an action,
and a few teams change nothing at all. Everything follows from ``seed``.

The demo coach coaches every other team (so the coach's pages show own and
other coaches' teams); no other account is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

import questionnaires
from analysis.synthetic import synthetic_responses
from survey_app.store.demo import COACH_EMAIL, store_frame
from survey_app.store.linking import campaign_key
from survey_app.store.models import (
    Action,
    ActionStatus,
    ActionType,
    Campaign,
    Department,
    Horizon,
    Organisation,
    User,
    Wave,
    WaveKind,
    WaveStatus,
)

#: The other municipalities, in the order they are made (Demodorp is the first team).
MUNICIPALITIES = [
    ("gemeente-beekdonk", "Gemeente Beekdonk", "nl"),
    ("gemeente-heidebeek", "Gemeente Heidebeek", "nl"),
    ("stad-zonnegem", "Stad Zonnegem", "nl"),
    ("commune-de-clairmont", "Commune de Clairmont", "fr"),
    ("gemeente-lindelo", "Gemeente Lindelo", "nl"),
    ("gemeente-molenhove", "Gemeente Molenhove", "nl"),
    ("ville-de-beaurivage", "Ville de Beaurivage", "fr"),
    ("gemeente-kastelrode", "Gemeente Kastelrode", "nl"),
    ("gemeente-veldegem", "Gemeente Veldegem", "nl"),
    ("gemeente-wilgendaal", "Gemeente Wilgendaal", "nl"),
    ("commune-de-roches", "Commune de Roches", "fr"),
    ("gemeente-bosvoorde", "Gemeente Bosvoorde", "nl"),
    ("stad-ijzermonde", "Stad IJzermonde", "nl"),
    ("gemeente-hoevelaken", "Gemeente Hoevelaken", "nl"),
    ("commune-de-val-fleuri", "Commune de Val-Fleuri", "fr"),
]
#: The most teams ``demo --teams`` makes (Demodorp and every municipality above).
MAX_TEAMS = len(MUNICIPALITIES) + 1

_DEPARTMENTS = {
    "nl": [("Burgerzaken", 0.25), ("Technische dienst", 0.35), ("Welzijn", 0.4)],
    "fr": [("Population", 0.25), ("Service technique", 0.35), ("CPAS", 0.4)],
}
_WAVE_NAMES = {
    "nl": ("nulmeting", "opvolgmeting"),
    "fr": ("mesure initiale", "mesure de suivi"),
}
_OTHER_NAMES = {
    "nulmeting": {"fr": "mesure initiale", "en": "baseline"},
    "opvolgmeting": {"fr": "mesure de suivi", "en": "follow-up"},
    "mesure initiale": {"nl": "nulmeting", "en": "baseline"},
    "mesure de suivi": {"nl": "opvolgmeting", "en": "follow-up"},
}
_DEPARTMENT_NAMES = {
    "Burgerzaken": {"fr": "Population", "en": "Civil affairs"},
    "Technische dienst": {"fr": "Service technique", "en": "Technical services"},
    "Welzijn": {"fr": "Bien-être", "en": "Welfare"},
    "Population": {"nl": "Burgerzaken", "en": "Civil affairs"},
    "Service technique": {"nl": "Technische dienst", "en": "Technical services"},
    "CPAS": {"nl": "OCMW", "en": "Social services"},
}

#: Actions a team may carry out: theme, type, title per language, items it is about.
_ACTIONS = [
    ("energy_water", ActionType.BEHAVIOUR, "Campagne 'Uit is uit'", "Campagne « Éteindre »",
     ["energy_pc_off", "energy_screen_off"]),
    ("energy_water", ActionType.INFRASTRUCTURE, "Bewegingssensoren in de gangen",
     "Détecteurs de présence dans les couloirs", ["energy_lights_off"]),
    ("paper_purchasing", ActionType.ORGANISATION, "Printers standaard recto-verso",
     "Imprimantes en recto-verso par défaut", ["paper_duplex"]),
    ("waste", ActionType.INFRASTRUCTURE, "Sorteerstraten op elke verdieping",
     "Îlots de tri à chaque étage", ["waste_sort"]),
    ("waste", ActionType.BEHAVIOUR, "Herbruikbare bekers", "Gobelets réutilisables",
     ["waste_reusable_cup"]),
    ("mobility", ActionType.ORGANISATION, "Fietsvergoeding in de kijker",
     "Indemnité vélo mise en avant", ["mobility_mode"]),
    ("engagement", ActionType.ORGANISATION, "Klimaatnieuws in de personeelsnieuwsbrief",
     "Nouvelles climat dans la lettre du personnel", []),
]  # fmt: skip


@dataclass(frozen=True)
class TeamPlan:
    """What one demo team is made of: sizes, linking, true effects, actions done."""

    n_baseline: int
    n_follow_up: int
    linked_share: float
    shifts: dict[str, float]
    done: tuple[int, ...]  # positions in _ACTIONS carried out
    planned: tuple[int, ...]  # positions in _ACTIONS only planned


def plan_team(rng: np.random.Generator, themes: list[str], *, no_effect: bool) -> TeamPlan:
    """A team's sizes, linking and true change per theme (in latent standard deviations).

    Each theme moves by the team's own effect (around 0.3, spread 0.15) times
    a theme factor, plus 0.35 on a theme where an action was carried out;
    a team with ``no_effect`` changes nothing, whatever it did.
    """
    n_baseline = int(rng.integers(50, 220))
    n_follow_up = int(max(30, n_baseline * rng.uniform(0.7, 1.1)))
    linked_share = float(rng.choice([0.0, 0.0, 0.3, 0.5]))
    chosen = rng.permutation(len(_ACTIONS))[: int(rng.integers(2, 5))]
    split = int(rng.integers(1, len(chosen)))
    done, planned = tuple(sorted(chosen[:split])), tuple(sorted(chosen[split:]))
    if no_effect:
        shifts = dict.fromkeys(themes, 0.0)
    else:
        team_effect = rng.normal(0.3, 0.15)
        acted = {_ACTIONS[i][0] for i in done}
        shifts = {
            theme: float(team_effect * rng.uniform(0.0, 1.0) + (0.35 if theme in acted else 0.0))
            for theme in themes
        }
    return TeamPlan(n_baseline, n_follow_up, linked_share, shifts, done, planned)


def _actions(plan: TeamPlan, language: str) -> list[Action]:
    actions = []
    for positions, status in ((plan.done, ActionStatus.DONE), (plan.planned, ActionStatus.PLANNED)):
        for position in positions:
            theme, kind, title_nl, title_fr, items = _ACTIONS[position]
            actions.append(
                Action(
                    title=title_fr if language == "fr" else title_nl,
                    theme=theme,
                    type=kind,
                    horizon=Horizon.SHORT,
                    owner="klimaatteam",
                    status=status,
                    items=list(items),
                )
            )
    return actions


def create_team(
    session: Session,
    slug: str,
    name: str,
    language: str,
    plan: TeamPlan,
    *,
    seed: int,
    secret: str | None = None,
) -> Campaign:
    """Store one municipality with its campaign, closed baseline and follow-up, and actions."""
    questionnaire = questionnaires.load("klimaatteam")
    staff = int(plan.n_baseline * 1.6)
    organisation = Organisation(slug=slug, name=name, anonymity_threshold=5, main_language=language)
    departments = [
        (department, max(10, int(staff * share))) for department, share in _DEPARTMENTS[language]
    ]
    organisation.departments = [
        Department(
            name=department,
            names=_DEPARTMENT_NAMES[department],
            headcount=headcount,
            position=position,
        )
        for position, (department, headcount) in enumerate(departments)
    ]
    campaign = Campaign(
        organisation=organisation,
        name="Klimaatteam" if language == "nl" else "Équipe climat",
        questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version,
        questionnaire_snapshot=questionnaires.snapshot(questionnaire),
        linking_enabled=plan.linked_share > 0,
    )
    baseline_name, follow_up_name = _WAVE_NAMES[language]
    baseline = Wave(
        name=baseline_name,
        names=_OTHER_NAMES[baseline_name],
        kind=WaveKind.BASELINE,
        position=0,
        status=WaveStatus.CLOSED,
        opened_on=date(2025, 9, 1),
        closed_on=date(2025, 9, 15),
    )
    follow_up = Wave(
        name=follow_up_name,
        names=_OTHER_NAMES[follow_up_name],
        kind=WaveKind.FOLLOW_UP,
        position=1,
        status=WaveStatus.CLOSED,
        opened_on=date(2026, 6, 1),
        closed_on=date(2026, 6, 15),
    )
    campaign.waves = [baseline, follow_up]
    campaign.actions = _actions(plan, language)
    session.add(organisation)
    session.flush()
    frame = synthetic_responses(
        questionnaire,
        plan.n_baseline,
        plan.n_follow_up,
        shifts=plan.shifts,
        waves=(baseline_name, follow_up_name),
        departments=departments,
        linked_share=plan.linked_share,
        seed=seed,
    )
    store_frame(
        session,
        frame,
        {baseline_name: baseline, follow_up_name: follow_up},
        questionnaire,
        {d.name: d for d in organisation.departments},
        np.random.default_rng(seed),
        campaign_key(campaign, secret),
    )
    return campaign


def create_teams(
    session: Session, teams: int, *, seed: int, secret: str | None = None
) -> list[Campaign]:
    """Add ``teams - 1`` municipalities beside Demodorp (made first by the caller).

    One in five changes nothing (the 3rd, 8th, …: "a few with none").
    The demo coach, when there is one, coaches every other municipality.
    """
    if not 2 <= teams <= MAX_TEAMS:
        raise ValueError(f"--teams is between 2 and {MAX_TEAMS}, not {teams}")
    themes = [theme.id for theme in questionnaires.load("klimaatteam").themes]
    rng = np.random.default_rng(seed)
    coach = session.scalar(select(User).where(User.email == COACH_EMAIL))
    campaigns = []
    for position, (slug, name, language) in enumerate(MUNICIPALITIES[: teams - 1]):
        plan = plan_team(rng, themes, no_effect=position % 5 == 2)
        campaign = create_team(
            session, slug, name, language, plan, seed=seed + 1 + position, secret=secret
        )
        if coach is not None and position % 2 == 1:
            coach.organisations.append(campaign.organisation)
        campaigns.append(campaign)
    session.commit()
    return campaigns
