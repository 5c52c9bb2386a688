"""The coach area at ``/coach``: organisations, campaigns, waves, downloads, the plan.

One blueprint (``coach``) whose views are split by resource
(:mod:`.organisations`, :mod:`.departments`, :mod:`.campaigns`, :mod:`.waves`,
:mod:`.downloads`, :mod:`.posters`, :mod:`.reach`: target rate and reminders,
:mod:`.questionnaire`: the campaign's own questionnaire, :mod:`.across_teams`: the
change across climate teams, :mod:`.results`: the staff results page, its poster
and report share links, :mod:`.meters`: buildings, meters and measured savings),
and the trajectory's own (``plan``: action plan, workshops, local figures).
"""

from __future__ import annotations

from survey_app.web.coach import (
    across_teams,
    campaigns,
    departments,
    downloads,
    meters,
    organisations,
    plan,
    posters,
    questionnaire,
    reach,
    results,
    waves,
)
from survey_app.web.coach.common import bp

#: Importing the view modules above registered their routes on ``bp``.
VIEW_MODULES = (
    organisations,
    departments,
    campaigns,
    waves,
    downloads,
    posters,
    reach,
    questionnaire,
    across_teams,
    meters,
    results,
)
BLUEPRINTS = (bp, plan.bp)
