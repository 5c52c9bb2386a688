"""The public survey at /s/<wave token>: no account, no tracking, one transaction per response."""

from __future__ import annotations

import secrets
from datetime import UTC
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_wtf.csrf import CSRFError, generate_csrf, validate_csrf
from werkzeug.datastructures import MultiDict
from wtforms import ValidationError

from analysis import wording
from survey_app.store import schedule
from survey_app.store.campaigns import questionnaire_from_text
from survey_app.store.db import get_session
from survey_app.store.invitations import normalise_code
from survey_app.store.linking import ELEMENTS, linking_row
from survey_app.store.models import (
    Invitation,
    InvitationMode,
    Wave,
    WaveStatus,
)
from survey_app.store.responses import (
    Outcome,
    store_response,
    submission_key_spent,
    survey_link,
    survey_wave,
    wave_by_token,
)
from survey_app.web.i18n import csrf, links_by_language
from survey_app.web.limits import limiter, survey_submission_allowed
from survey_app.web.schedule import follow_clock, grace
from survey_app.web.staff_results import shows_results, staff_results
from survey_app.web.survey import page_cache, parts
from survey_app.web.survey.forms import (
    ReservedItemIds,
    SurveyFormBase,
    build_survey_form,
    department_choices,
)
from survey_app.web.survey.validation import quick_check

bp = Blueprint("survey", __name__, url_prefix="/s")
# The survey form checks its CSRF token itself, so that an expired token
# re-renders the page with every answer kept instead of an error page.
csrf.exempt(bp)

#: The form's own hidden fields, taken from every post as they are.
HIDDEN = ("csrf_token", "submission_key", "invitation", "started")


@bp.after_request
def _no_store(response: Response) -> Response:
    """No survey page is kept by the browser: Back after sending shows no filled form."""
    response.headers["Cache-Control"] = "no-store"
    return response


#: Session key listing the waves answered in this browser (a signed cookie, nothing stored).
ANSWERED = "answered_waves"


def _wave_or_404(token: str) -> Wave:
    """The wave of a survey link, brought up to the clock; a draft is shown as a preview."""
    wave = wave_by_token(get_session(), token)
    if wave is None:
        abort(404)
    follow_clock(wave)
    return wave


def _survey_wave_or_404(token: str) -> tuple[Wave, str]:
    """As :func:`_wave_or_404`, with the campaign's questionnaire snapshot as JSON text."""
    found = survey_wave(get_session(), token)
    if found is None:
        abort(404)
    follow_clock(found[0])
    return found


def _invitation_problem(wave: Wave, code: str | None) -> Any | None:
    """The page to show instead of the survey when a wave's invitation code is missing or spent."""
    if wave.invitation_mode is not InvitationMode.TOKENS:
        return None
    organisation = wave.campaign.organisation
    if not code:
        return render_template("survey/code.html", wave=wave, organisation=organisation), 401
    invitation = get_session().get(Invitation, code)
    if invitation is None or invitation.wave_id != wave.id:
        return render_template("survey/invitation.html", organisation=organisation, used=False), 404
    if invitation.used:
        return render_template("survey/invitation.html", organisation=organisation, used=True), 410
    return None


def _remember_answered(wave: Wave) -> None:
    answered = [w for w in session.get(ANSWERED, []) if isinstance(w, int)][-20:]
    if wave.id not in answered:
        session[ANSWERED] = [*answered, wave.id]


def _forget_answered(wave: Wave) -> None:
    session[ANSWERED] = [w for w in session.get(ANSWERED, []) if w != wave.id]


def _enabled(setting: str) -> bool:
    """A switch of the survey's speed-ups (on unless set to 0, false, no or off).

    ``SURVEY_PAGE_CACHE`` and ``SURVEY_QUICK_CHECK`` exist to measure each of them
    (docs/performance.md) and to compare them with the full path in tests.
    """
    return str(current_app.config.get(setting, "1")).strip().lower() not in (
        "0",
        "false",
        "no",
        "off",
    )


def _closed(wave: Wave, refused: bool) -> Any:
    """The closed page; for refused answers also when it closed and that none were kept.

    Once the coach published the results for staff, a visitor (not one whose
    late answers were refused) sees those instead (survey_app/web/staff_results.py).
    """
    if not refused and shows_results(wave):
        results = staff_results(wave.campaign, str(get_locale()))
        if results is not None:
            return render_template(
                "survey/results.html",
                organisation=wave.campaign.organisation,
                results=results,
                preview=False,
            )
    closed_at = wave.closed_at or wave.closes_at
    local = closed_at.replace(tzinfo=UTC).astimezone(schedule.TIMEZONE) if closed_at else None
    return render_template(
        "survey/closed.html",
        organisation=wave.campaign.organisation,
        refused=refused,
        closed_day=wording.day(local.date(), str(get_locale())) if local else None,
        closed_time=local.strftime("%H:%M") if local else None,
    ), 410


def _already(wave: Wave, language: str, code: str | None) -> Any:
    """This browser sent the survey already: say so, and offer a fresh form to someone else."""
    now = schedule.clock.now()
    return render_template(
        "survey/already.html",
        wave=wave,
        organisation=wave.campaign.organisation,
        language=language,
        code=code or "",
        submission_key=secrets.token_hex(16),
        started=parts.sign_started(wave.id, now),
    )


def _restart(wave: Wave, language: str) -> Any:
    """ "Someone else answers on this device": a fresh form, after a CSRF check."""
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        return _already(wave, language, normalise_code(request.form.get("invitation")))
    parts.clear()
    _forget_answered(wave)
    query = {"lang": language}
    code = normalise_code(request.form.get("invitation"))
    if code:
        query["t"] = code
    return redirect(url_for("survey.answer", token=wave.token, **query), code=303)


def _posted(names: list[str], carried: dict[str, str], whole: bool) -> dict[str, str]:
    """The answers after this post: the page's fields as posted, the others as carried.

    A part's post replaces that part's answers (a field not posted, such as
    an unchecked radio group, is no answer); a post of the whole form keeps a
    carried answer the post lacks.
    """
    merged = dict(carried)
    for name in names:
        if name in request.form:
            merged[name] = request.form[name]
        elif not whole:
            merged.pop(name, None)
    return merged


def _hidden(wave_id: int, state: dict[str, Any], code: str | None) -> dict[str, str]:
    """A browser's hidden values for ``state``: submission key, invitation code, signed start."""
    started = parts.started_at(state) or schedule.clock.now()
    return {
        "submission_key": state.get("k") or secrets.token_hex(16),
        "invitation": code or "",
        "started": parts.sign_started(wave_id, started),
    }


def _filled(kept: page_cache.Page, wave_id: int, state: dict[str, Any], code: str | None) -> str:
    """The kept page with this request's values: CSRF token, hidden values, language links."""
    return kept.fill(
        {
            "csrf_token": generate_csrf(),
            **_hidden(wave_id, state, code),
            **{f"lang_{language}": link for language, link in links_by_language().items()},
        }
    )


def _page_key(
    wave_id: int,
    token: str,
    preview: bool,
    language: str,
    shown: parts.Part,
    total: int,
    campaign_id: int,
    linking: bool,
    organisation_name: str,
    threshold: int,
    departments: tuple[tuple[int, str], ...],
) -> tuple[Any, ...]:
    """The kept page's key: everything the page shows apart from the per-request values.

    The one definition, for :meth:`_View.render_kept` (which keeps the page)
    and :func:`_kept_first_page` (which only finds it).
    """
    return (
        wave_id,
        token,
        preview,
        language,
        shown.number,
        total,
        campaign_id,
        linking,
        organisation_name,
        threshold,
        departments,
        request.script_root,
    )


def _kept_first_page(token: str) -> Any | None:
    """The first part for a browser arriving with nothing started, from one plain row.

    The common request of an invitation morning: an open wave without
    invitation codes, no answers of this wave in the session (nor the note
    that this browser answered it), no message to flash, and the page
    already kept (:mod:`page_cache`). It then needs neither the ORM's wave,
    campaign and organisation nor the form: one Core
    query (:func:`survey_link`), the clock's verdict on the row (pure, as
    :func:`follow_clock` would find nothing due), and the kept page filled in.
    It starts the browser's form as the full path does. None in every other
    case, and the full path answers (and keeps the page for the next one).
    """
    if (
        not _enabled("SURVEY_PAGE_CACHE")
        or not current_app.config.get("WTF_CSRF_ENABLED", True)
        or request.args.get("t")
        or request.args.get("part", 1, type=int) != 1
        or "_flashes" in session
    ):
        return None
    link = survey_link(get_session(), token)
    if link is None or link.invitation_mode is InvitationMode.TOKENS:
        return None
    now = schedule.clock.now()
    if link.status is not WaveStatus.OPEN or schedule.due_status(link, now, grace()) is not (
        WaveStatus.OPEN
    ):
        return None
    state = parts.state_for(link.id)
    if parts.answers(state) or (state is None and link.id in session.get(ANSWERED, [])):
        return None  # answers to show again, or "already answered": the full path
    questionnaire = questionnaire_from_text(link.campaign_id, link.snapshot)
    linking = list(ELEMENTS) if link.linking_enabled else []
    survey_parts = parts.parts_of(questionnaire, linking)
    shown = survey_parts[0]
    if shown.last:
        return None  # the last part shows the departments: the full path reads them
    key = _page_key(
        link.id,
        link.token,
        False,
        str(get_locale()),
        shown,
        len(survey_parts),
        link.campaign_id,
        link.linking_enabled,
        link.organisation_name,
        link.anonymity_threshold,
        (),
    )
    kept = page_cache.find(key, questionnaire)
    if kept is None:
        return None
    # as the full path: a form of its own, started when this browser first loaded the survey
    state = parts.start(link.id, parts.started_at(state) or now, secrets.token_hex(16))
    return _filled(kept, link.id, state, None), 200


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.exempt  # no route limit applies here: submissions count in survey_submission_allowed
def answer(token: str) -> Any:
    """Show the survey part by part, and store it once it is complete and valid.

    A part's post (``move`` = next, previous or send) carries the answers in
    the session; a post without ``move`` carries every answer at once (a form
    rendered whole, scripts, benchmarks) and is stored as it comes.
    """
    if request.method == "GET":
        kept = _kept_first_page(token)
        if kept is not None:
            return kept
    wave, snapshot_text = _survey_wave_or_404(token)
    campaign = wave.campaign
    organisation = campaign.organisation
    language = str(get_locale())
    preview = wave.status is WaveStatus.DRAFT
    posted = request.method == "POST"
    state = parts.state_for(wave.id)
    started = parts.started_at(state)
    if started is None and posted:
        started = parts.verify_started(wave.id, request.form.get("started"))
    now = schedule.clock.now()
    if not preview and not schedule.accepts_answers(wave, started, now, grace()):
        return _closed(wave, refused=posted or state is not None)
    move = request.form.get("move") if posted else None
    if move == "restart":
        return _restart(wave, language)

    code = normalise_code(request.form.get("invitation") if posted else request.args.get("t"))
    if not preview:
        problem = _invitation_problem(wave, code)
        if problem is not None:
            return problem
        # Back after sending, then sending again (or a double click): the key is spent.
        # The state of a form being filled in holds its unspent key: no query then.
        key = request.form.get("submission_key", "") if posted else ""
        fresh = state is not None and key == state.get("k")
        if key and not fresh and submission_key_spent(get_session(), wave, key):
            parts.clear()
            return redirect(url_for("survey.thanks", token=token, lang=language, again=1), code=303)
        if not posted and state is None and wave.id in session.get(ANSWERED, []):
            return _already(wave, language, code)

    questionnaire = questionnaire_from_text(campaign.id, snapshot_text)
    try:
        form_class = build_survey_form(
            campaign.id, questionnaire, language, linking=campaign.linking_enabled
        )
    except ReservedItemIds as error:
        # Better no survey than answers that are thanked for and then lost.
        current_app.logger.error("survey of wave %s cannot be shown: %s", wave.id, error)
        abort(500)
    linking = list(ELEMENTS) if campaign.linking_enabled else []
    survey_parts = parts.parts_of(questionnaire, linking)
    if state is None:
        key = request.form.get("submission_key", "") if posted else ""
        state = parts.start(wave.id, started or schedule.clock.now(), key or secrets.token_hex(16))
    carried = parts.answers(state)
    view = _View(wave, questionnaire, survey_parts, form_class, language, preview, state, code)

    if not posted:
        reached = min(int(state.get("r", 1)), len(survey_parts))
        number = min(max(request.args.get("part", 1, type=int), 1), reached)
        if number == 1 and not carried:
            # nothing answered yet: a form of its own (each tab of a browser is stored)
            view.state = parts.start(wave.id, started or now, secrets.token_hex(16))
        shown = survey_parts[number - 1]
        if view.cacheable(shown, carried):
            cached = view.render_kept(shown)
            if cached is not None:
                return cached
        return view.render(view.form(carried), [shown])

    whole = move not in ("next", "previous", "send")
    number = min(max(request.form.get("part", 1, type=int), 1), len(survey_parts))
    part = survey_parts[number - 1]
    names = [name for p in survey_parts for name in p.fields] if whole else part.fields
    merged = _posted(names, carried, whole)
    checked = None
    if _enabled("SURVEY_QUICK_CHECK") and (
        whole or move == "send" or (move == "next" and part.last)
    ):
        # a submission: the compiled check recognises a valid one without building the form
        checked = quick_check(
            questionnaire,
            merged,
            {name: request.form.get(name, "") for name in HIDDEN},
            lambda: [department.id for department in organisation.departments],
            campaign.linking_enabled,
        )
    form = None
    if checked is None:
        form = view.form(merged, from_post=True)
        valid = form.validate()
        own = {*part.fields, *HIDDEN}
        errors_here = any(name in own for name in form.errors)

        if whole:
            if not valid:
                return view.render(form, survey_parts, status=422, whole=True)
        elif move == "previous":
            if form.csrf_token.errors:
                return view.render(form, [part], status=422, only=HIDDEN)
            if not parts.keep(state, merged, number):
                return view.render(form, [part], status=422, only=own, too_long=True)
            return view.go(max(number - 1, 1))
        elif move == "next" and not part.last:
            if errors_here:
                return view.render(form, [part], status=422, only=own)
            if not parts.keep(state, merged, number + 1):
                return view.render(form, [part], status=422, only=own, too_long=True)
            return view.go(number + 1)
        elif not valid:
            # the last part sent: show the first part with something to correct
            wrong = (
                part
                if errors_here
                else next(
                    (p for p in survey_parts if any(n in form.errors for n in p.fields)), part
                )
            )
            if wrong is not part:
                parts.keep(state, merged, len(survey_parts))
            return view.render(form, [wrong], status=422, only={*wrong.fields, *HIDDEN})

    if preview:
        parts.clear()
        return redirect(url_for("survey.thanks", token=token, lang=language), code=303)
    if not survey_submission_allowed():
        if form is None:
            form = view.form(merged, from_post=True)
            form.validate()
        shown = survey_parts if whole else [part]
        return view.render(form, shown, status=429, whole=whole, limited=True)
    if checked is not None:
        data, department, key, invitation = (
            checked.answers,
            checked.department,
            checked.submission_key,
            checked.invitation,
        )
    else:
        assert form is not None
        data, department, key, invitation = (
            form.data,
            form.department.data,
            form.submission_key.data,
            form.invitation.data,
        )
    department_id = int(department) if department else None
    linking_code = None
    if campaign.linking_enabled:
        assert form is not None  # the compiled check leaves linking codes to the form
        linking_code = linking_row(campaign, [form[name].data for name in ELEMENTS])
    outcome = store_response(
        get_session(),
        wave,
        questionnaire,
        data,
        language,
        department_id,
        submission_key=key,
        invitation=normalise_code(invitation) or None,
        linking=linking_code,
    )
    if outcome is Outcome.INVITATION_USED:
        return render_template("survey/invitation.html", organisation=organisation, used=True), 410
    parts.clear()
    _remember_answered(wave)
    return redirect(url_for("survey.thanks", token=token, lang=language), code=303)


class _View:
    """What every page of one survey request needs: the form, its parts, the template."""

    def __init__(
        self,
        wave: Wave,
        questionnaire: Any,
        survey_parts: list[parts.Part],
        form_class: type[SurveyFormBase],
        language: str,
        preview: bool,
        state: dict[str, Any],
        code: str | None,
    ) -> None:
        self.wave, self.questionnaire, self.parts = wave, questionnaire, survey_parts
        self.form_class, self.language, self.preview = form_class, language, preview
        self.state, self.code = state, code

    def hidden(self) -> dict[str, str]:
        """This browser's hidden values: submission key, invitation code, signed start."""
        return _hidden(self.wave.id, self.state, self.code)

    def form(
        self,
        answers: dict[str, str],
        from_post: bool = False,
        hidden: dict[str, str] | None = None,
    ) -> SurveyFormBase:
        """The whole form filled with ``answers`` and this browser's hidden values.

        ``hidden`` replaces those values (the kept page renders markers there).
        """
        hidden = hidden if hidden is not None else self.hidden()
        if from_post:
            # what the page sent, and nothing else: a missing key is refused
            hidden = {name: request.form.get(name, "") for name in (*hidden, "csrf_token")}
        form = self.form_class(formdata=MultiDict({**answers, **hidden}))
        form.department.choices = department_choices(
            self.wave.campaign.organisation.departments, self.language
        )
        return form

    def go(self, number: int) -> Any:
        """Redirect to part ``number`` (a GET: Back and reload never post again)."""
        query: dict[str, Any] = {"part": number, "lang": self.language}
        if self.code:
            query["t"] = self.code
        return redirect(url_for("survey.answer", token=self.wave.token, **query), code=303)

    def cacheable(self, shown: parts.Part, carried: dict[str, str]) -> bool:
        """Whether the part can come from the kept page: it shows no answer, nothing flashed."""
        return (
            _enabled("SURVEY_PAGE_CACHE")
            and current_app.config.get("WTF_CSRF_ENABLED", True)
            and "_flashes" not in session
            and not any(name in carried for name in shown.fields)
        )

    def render_kept(self, shown: parts.Part) -> Any | None:
        """The part from the page kept for everything it shows, with this request's values.

        None when the page cannot be kept (the route then renders it in full).
        """
        campaign = self.wave.campaign
        organisation = campaign.organisation
        # only the last part shows the departments (the others need not read them)
        departments = (
            tuple((d.id, d.label(self.language)) for d in organisation.departments)
            if shown.last
            else ()
        )
        key = _page_key(
            self.wave.id,
            self.wave.token,
            self.preview,
            self.language,
            shown,
            len(self.parts),
            campaign.id,
            campaign.linking_enabled,
            organisation.name,
            organisation.anonymity_threshold,
            departments,
        )

        def render() -> page_cache.Page | None:
            markers = {name: page_cache.marker(name) for name in HIDDEN if name != "csrf_token"}
            html, _status = self.render(
                self.form({}, hidden=markers),
                [shown],
                url_for_language=lambda code: page_cache.marker(f"lang_{code}"),
            )
            pieces = page_cache.cut(html, generate_csrf())
            return page_cache.Page(self.questionnaire, pieces) if pieces else None

        kept = page_cache.page(key, self.questionnaire, render)
        if kept is None:
            return None
        return _filled(kept, self.wave.id, self.state, self.code), 200

    def render(
        self,
        form: SurveyFormBase,
        shown: list[parts.Part],
        status: int = 200,
        only: Any = None,
        too_long: bool = False,
        limited: bool = False,
        whole: bool = False,
        **context: Any,
    ) -> Any:
        """The survey page showing ``shown`` (one part, or every part of a whole post)."""
        # only the errors of what this page asks are shown (the others wait for their part)
        for name in list(form.errors):
            if status == 200 or (only is not None and name not in only):
                form[name].errors = []
        errors = dict(form.errors) if status != 200 else {}
        campaign = self.wave.campaign
        organisation = campaign.organisation
        return (
            render_template(
                "survey/form.html",
                form=form,
                errors=errors,
                wave=self.wave,
                organisation=organisation,
                questionnaire=self.questionnaire,
                shown=[(p, [form[item_id] for item_id in p.item_ids]) for p in shown],
                whole=whole,
                total=len(self.parts),
                items={item.id: item for item in self.questionnaire.items},
                language=self.language,
                linking_fields=(
                    [form[name] for name in ELEMENTS] if campaign.linking_enabled else []
                ),
                rate_limited=limited,
                too_long=too_long,
                preview=self.preview,
                **context,
            ),
            status,
        )


@bp.route("/<token>/thanks")
def thanks(token: str) -> Any:
    wave = _wave_or_404(token)
    return render_template(
        "survey/thanks.html",
        organisation=wave.campaign.organisation,
        preview=wave.status is WaveStatus.DRAFT,
        again=request.args.get("again") == "1",
    )
