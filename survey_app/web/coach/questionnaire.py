"""The questionnaire editor of a campaign: themes, bank items, own items, order, preview, files.

Every change builds the campaign's new variant mapping (see
:mod:`questionnaires.variants`) and hands its YAML to
:func:`survey_app.store.variants.save_variant`, which checks it exactly as
``klimaatpeil questionnaire check`` does. A change with a problem keeps
nothing and shows every problem on the page; once a wave of the campaign has
opened, the questionnaire is read-only and every post says so and stores
nothing. No page needs JavaScript: each button is a small form that posts.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, FileSize
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, Regexp

import questionnaires
from questionnaires import Questionnaire, QuestionnaireError
from questionnaires.loader import Problem, bank
from questionnaires.variants import resolve
from survey_app.store.audit import Event
from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.db import get_session
from survey_app.store.models import Campaign, WaveStatus
from survey_app.store.variants import (
    QuestionnaireFrozen,
    VariantInUse,
    campaign_variant,
    is_frozen,
    save_variant,
    stored_bases,
    stored_variant,
    variant_text,
)
from survey_app.web.audit import note
from survey_app.web.coach.common import bp, campaign_or_404, coach_only, download
from survey_app.web.coach.forms import ConfirmForm, language_name
from survey_app.web.survey.forms import build_survey_form, reserved_item_ids
from survey_app.web.survey.parts import parts_of

#: The largest questionnaire file a coach may upload (the shipped one is about 40 KB).
MAX_UPLOAD = 256 * 1024

#: The kinds an own item may have here (choice and number items need options the
#: editor does not ask for; a file upload may still use them).
OWN_KINDS = ("frequency", "agreement", "yes_no", "text")
SCALE_KINDS = ("frequency", "agreement")


class OwnItemForm(FlaskForm):
    """One own question: its id, theme, kind, wording per language and how it is scored."""

    item_id = StringField(
        _l("Code of the question"),
        description=_l(
            "Lower-case letters, digits and _ only, starting with a letter. Leave it empty "
            "and Klimaatpeil chooses one. Reports and downloads use it as the column name."
        ),
        validators=[
            Optional(),
            Length(max=40),
            Regexp(
                r"^[a-z][a-z0-9_]*$",
                message=_l("Use lower-case letters, digits and _ only, starting with a letter."),
            ),
        ],
    )
    theme = SelectField(_l("Theme"), choices=[])
    kind = SelectField(
        _l("How it is answered"),
        choices=[
            SelectChoice("frequency", _l("How often: never … always (five steps)")),
            SelectChoice("agreement", _l("Agreement: strongly disagree … strongly agree")),
            SelectChoice("yes_no", _l("Yes or no")),
            SelectChoice("text", _l("Open answer (text)")),
        ],
    )
    label_nl = StringField(_l("Wording in Dutch"), validators=[Length(max=400)])
    label_fr = StringField(_l("Wording in French"), validators=[Length(max=400)])
    label_en = StringField(_l("Wording in English"), validators=[Length(max=400)])
    reverse = BooleanField(
        _l("Reversed: a high answer means less climate-friendly behaviour"),
    )
    scored = BooleanField(
        _l("Counts in the theme's score (only for how-often and agreement questions)"),
        default=True,
    )


class UploadForm(FlaskForm):
    upload = FileField(
        _l("Questionnaire file (YAML)"),
        description=_l("A file downloaded here or written by hand; at most 256 KB."),
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileSize(max_size=MAX_UPLOAD, message=_l("The file is too large (at most 256 KB).")),
        ],
    )


@dataclass
class Editor:
    """What the editor page shows of a campaign's variant and its base."""

    variant: dict[str, Any]
    base: dict[str, Any] | None
    questionnaire: Questionnaire

    @property
    def omitted(self) -> set[str]:
        return {str(x) for x in self.variant.get("omit") or []}

    @property
    def included(self) -> list[str]:
        return [str(x) for x in self.variant.get("include") or []]

    @property
    def own_items(self) -> list[dict[str, Any]]:
        return [item for item in self.variant.get("items") or [] if isinstance(item, dict)]

    @property
    def own_ids(self) -> list[str]:
        return [str(item.get("id")) for item in self.own_items]

    def base_themes(self) -> list[dict[str, Any]]:
        return list(self.base.get("themes", [])) if self.base else []

    def optional_items(self, theme_id: str) -> list[dict[str, Any]]:
        items = self.base.get("items", []) if self.base else []
        return [item for item in items if item.get("theme") == theme_id and item.get("optional")]

    def bank_items(self, theme_id: str) -> list[dict[str, Any]]:
        """Items of the bank for this theme that the questionnaire does not ask yet."""
        asked = set(self.questionnaire.item_ids)
        return [
            item
            for ident, item in bank().items.items()
            if item.get("theme") == theme_id and ident not in asked
        ]

    def origin(self, item_id: str) -> str:
        """Where an asked item comes from: own, bank, optional (of the base) or core."""
        if item_id in self.own_ids:
            return "own"
        if item_id in self.included:
            return "bank"
        items = self.base.get("items", []) if self.base else []
        if any(item.get("id") == item_id and item.get("optional") for item in items):
            return "optional"
        return "core"


def _base(campaign: Campaign, variant: dict[str, Any]) -> dict[str, Any] | None:
    """The complete questionnaire the variant extends, as a snapshot mapping."""
    extends = variant.get("extends")
    if not isinstance(extends, str):
        return None
    if extends in questionnaires.available():
        return questionnaires.snapshot(questionnaires.load(extends))
    return stored_bases(get_session(), campaign.organisation, reserved_item_ids())(extends)


def _editor(campaign: Campaign) -> Editor:
    session = get_session()
    variant = campaign_variant(session, campaign)
    key = str(variant.get("id"))
    if campaign.questionnaire_id in questionnaires.available() and stored_variant(
        session, campaign.organisation, key
    ):
        # the organisation's questionnaire of another campaign has this id: its first save
        # would overwrite that one's file, so this campaign's gets an id of its own
        variant["id"] = f"{key[:30]}_{campaign.id}"
    return Editor(variant, _base(campaign, variant), campaign_questionnaire(campaign))


def _text(labels: dict[str, str]) -> str:
    """A text in the reader's language, else in the first language it has."""
    return labels.get(str(get_locale())) or next(iter(labels.values()), "")


def _tidy(variant: dict[str, Any], base: dict[str, Any] | None) -> dict[str, Any]:
    """The variant without empty keys, and ``order`` without items it no longer asks."""
    if variant.get("order") and base is not None:
        plain = {key: value for key, value in variant.items() if key != "order"}
        data = resolve(plain, base, bank()).data or {}
        asked = {item.get("id") for item in data.get("items", []) if isinstance(item, dict)}
        variant["order"] = [ident for ident in variant["order"] if ident in asked]
    for key in ("omit", "include", "items", "order", "themes"):
        if key in variant and not variant[key]:
            del variant[key]
    return variant


def _in_use(other: Campaign) -> str:
    return _(
        "The campaign %(name)s already uses a questionnaire with this id: give the "
        "file an id of its own (the line id: at the top).",
        name=other.name,
    )


def _frozen_answer(campaign: Campaign) -> Any:
    flash(_("The questionnaire can no longer change: nothing was saved."), "error")
    flash(_frozen_reason(), "error")
    return redirect(url_for("coach.questionnaire_editor", campaign_id=campaign.id), code=303)


def _frozen_reason() -> str:
    return _(
        "A wave of this campaign has opened. Every wave of a campaign asks the same "
        "questions, so that the follow-up can be compared with the baseline. Start a new "
        "campaign for another questionnaire."
    )


def _problems(error: QuestionnaireError) -> list[Problem]:
    return list(error.problems)


def _save(campaign: Campaign, variant: dict[str, Any], base: dict[str, Any] | None) -> Any:
    """Save the new variant; the questionnaire on success, else the problems (nothing kept)."""
    text = variant_text(_tidy(variant, base))
    session = get_session()
    try:
        questionnaire = save_variant(session, campaign, text, reserved_item_ids())
    except QuestionnaireFrozen:
        session.rollback()
        return None
    except VariantInUse as error:  # another campaign saved this id meanwhile
        session.rollback()
        message = _in_use(error.campaign)
        return [Problem(where="id", line=None, message=message)]
    except QuestionnaireError as error:
        session.rollback()
        return _problems(error)
    note(
        Event.QUESTIONNAIRE_CHANGED,
        f"{campaign.organisation.slug}/{campaign.id}: {questionnaire.id}",
    )
    return questionnaire


def _editor_page(campaign: Campaign, problems: list[Problem] | None = None, status: int = 200,
                 upload_form: UploadForm | None = None) -> Any:  # fmt: skip
    """The editor page; ``problems`` of a change that was not saved (lines for an upload)."""
    editor = _editor(campaign)
    frozen = is_frozen(campaign)
    opened = [wave for wave in campaign.waves if wave.status is not WaveStatus.DRAFT]
    questionnaire = editor.questionnaire
    return (
        render_template(
            "coach/questionnaire.html",
            campaign=campaign,
            editor=editor,
            questionnaire=questionnaire,
            asked_themes=[
                (theme, questionnaire.items_of(theme.id)) for theme in questionnaire.themes
            ],
            frozen=frozen,
            opened=opened,
            frozen_reason=_frozen_reason(),
            problems=problems or [],
            show_lines=upload_form is not None,
            confirm=ConfirmForm(),
            upload_form=upload_form or UploadForm(formdata=None),
            text=_text,
        ),
        status,
    )


@bp.route("/campaigns/<int:campaign_id>/questionnaire")
@coach_only
def questionnaire_editor(campaign_id: int) -> Any:
    """The campaign's questionnaire: what it asks, and (before the first wave) changing it."""
    return _editor_page(campaign_or_404(campaign_id))


def _changed(campaign: Campaign, editor: Editor, variant: dict[str, Any], done: str) -> Any:
    result = _save(campaign, variant, editor.base)
    if result is None:
        return _frozen_answer(campaign)
    if isinstance(result, list):
        return _editor_page(campaign, result, status=422)
    flash(done, "info")
    return redirect(url_for("coach.questionnaire_editor", campaign_id=campaign.id), code=303)


@bp.route("/campaigns/<int:campaign_id>/questionnaire/themes", methods=["POST"])
@coach_only
def questionnaire_themes(campaign_id: int) -> Any:
    """Keep the ticked themes and optional items; leave out the others."""
    campaign = campaign_or_404(campaign_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if is_frozen(campaign):
        return _frozen_answer(campaign)
    editor = _editor(campaign)
    kept_themes = set(request.form.getlist("theme"))
    kept_items = set(request.form.getlist("item"))
    omit = [t["id"] for t in editor.base_themes() if t["id"] not in kept_themes]
    dropped = []
    for theme in editor.base_themes():
        if theme["id"] in kept_themes:
            omit += [
                i["id"] for i in editor.optional_items(theme["id"]) if i["id"] not in kept_items
            ]
    variant = copy.deepcopy(editor.variant)
    variant["omit"] = omit
    include = []
    for ident in editor.included:  # bank items of a theme left out go with it
        theme = bank().items.get(ident, {}).get("theme")
        (dropped if theme in omit else include).append(ident)
    variant["include"] = include
    if not kept_themes & {t["id"] for t in editor.base_themes()} and not variant.get("themes"):
        problem = Problem("file", None, _("Keep at least one theme."))
        return _editor_page(campaign, [problem], status=422)
    done = _("Themes and questions saved.")
    if dropped:
        done += " " + _(
            "Questions from the item bank of the themes left out were removed as well: "
            "%(questions)s.",
            questions="; ".join(_text(bank().items[ident]["label"]) for ident in dropped),
        )
    return _changed(campaign, editor, variant, done)


@bp.route("/campaigns/<int:campaign_id>/questionnaire/<any(add, drop, remove, up, down):action>",
          methods=["POST"])  # fmt: skip
@coach_only
def questionnaire_item(campaign_id: int, action: str) -> Any:
    """One item: add one from the bank, drop a bank item, remove an own item, move one."""
    campaign = campaign_or_404(campaign_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if is_frozen(campaign):
        return _frozen_answer(campaign)
    editor = _editor(campaign)
    ident = request.form.get("item", "")
    variant = copy.deepcopy(editor.variant)
    asked = editor.questionnaire.item_ids
    if action == "add":
        if ident not in bank().items:
            abort(400)
        variant["include"] = [*editor.included, ident]
        done = _("Question added.")
    elif action == "drop":
        if ident not in editor.included:
            abort(400)
        variant["include"] = [x for x in editor.included if x != ident]
        done = _("Question removed.")
    elif action == "remove":
        if ident not in editor.own_ids:
            abort(400)
        variant["items"] = [item for item in editor.own_items if item.get("id") != ident]
        done = _("Question removed.")
    else:
        if ident not in asked:
            abort(400)
        theme = editor.questionnaire.item(ident).theme
        same = [x for x in asked if editor.questionnaire.item(x).theme == theme]
        here = same.index(ident)
        other = here - 1 if action == "up" else here + 1
        if not 0 <= other < len(same):
            return redirect(url_for("coach.questionnaire_editor", campaign_id=campaign.id))
        order = list(asked)
        a, b = order.index(same[here]), order.index(same[other])
        order[a], order[b] = order[b], order[a]
        variant["order"] = order
        done = _("Order saved.")
    return _changed(campaign, editor, variant, done)


def _own_item_form(editor: Editor, formdata: Any, item: dict[str, Any] | None) -> OwnItemForm:
    form = OwnItemForm(formdata=formdata)
    form.theme.choices = [
        SelectChoice(theme.id, _text(theme.label)) for theme in editor.questionnaire.themes
    ]
    if formdata is None and item is not None:
        form.item_id.data = item.get("id")
        form.theme.data = item.get("theme")
        form.kind.data = item.get("kind")
        for language in ("nl", "fr", "en"):
            form[f"label_{language}"].data = (item.get("label") or {}).get(language, "")
        form.reverse.data = bool(item.get("reverse"))
        form.scored.data = item.get("scored", True) is not False
    return form


def _next_id(editor: Editor) -> str:
    """``<questionnaire id>_<n>``: the first number no item of the questionnaire has."""
    stem = str(editor.variant.get("id") or "eigen")[:34]
    taken = {*editor.questionnaire.item_ids, *editor.own_ids}
    number = 1
    while f"{stem}_{number}" in taken:
        number += 1
    return f"{stem}_{number}"


@bp.route("/campaigns/<int:campaign_id>/questionnaire/items/new", methods=["GET", "POST"])
@bp.route("/campaigns/<int:campaign_id>/questionnaire/items/<item_id>", methods=["GET", "POST"])
@coach_only
def questionnaire_own_item(campaign_id: int, item_id: str | None = None) -> Any:
    """Write an own question, or change one, in every language of the questionnaire."""
    campaign = campaign_or_404(campaign_id)
    posted = request.method == "POST"
    if is_frozen(campaign):  # the questionnaire as it is, and why it stays so
        return _frozen_answer(campaign) if posted else _editor_page(campaign)
    editor = _editor(campaign)
    existing = None
    if item_id is not None:
        existing = next((i for i in editor.own_items if i.get("id") == item_id), None)
        if existing is None:
            abort(404)
    form = _own_item_form(editor, request.form if posted else None, existing)
    # the form has a wording field for the app's languages
    languages = [x for x in editor.questionnaire.languages if f"label_{x}" in form]
    problems: list[Problem] = []
    if posted:
        valid = form.validate_on_submit()
        for language in languages:
            field = getattr(form, f"label_{language}", None)
            if field is not None and not (field.data or "").strip():
                field.errors.append(
                    _("Write the question in %(language)s.", language=language_name(language))
                )
        if valid and not any(field.errors for field in form):
            problems = _store_own_item(campaign, editor, form, languages, existing)
            if not problems:
                flash(_("Question saved."), "info")
                return redirect(
                    url_for("coach.questionnaire_editor", campaign_id=campaign.id), code=303
                )
            if problems == [None]:
                return _frozen_answer(campaign)
    status = 422 if posted else 200
    return (
        render_template(
            "coach/questionnaire_item.html",
            campaign=campaign,
            form=form,
            languages=languages,
            existing=existing,
            problems=problems,
            suggested=_next_id(editor),
        ),
        status,
    )


def _store_own_item(
    campaign: Campaign,
    editor: Editor,
    form: OwnItemForm,
    languages: list[str],
    existing: dict[str, Any] | None,
) -> list[Any]:
    """Save the form's item in the variant; the problems (``[None]`` when frozen)."""
    ident = (form.item_id.data or "").strip() or (
        str(existing.get("id")) if existing else _next_id(editor)
    )
    item: dict[str, Any] = dict(existing or {})
    item.update(
        {
            "id": ident,
            "theme": form.theme.data,
            "kind": form.kind.data,
            "label": {language: form[f"label_{language}"].data.strip() for language in languages},
        }
    )
    item.pop("reverse", None)
    item.pop("scored", None)
    if form.reverse.data:
        item["reverse"] = True
    if form.kind.data in SCALE_KINDS:
        item["scored"] = bool(form.scored.data)
    variant = copy.deepcopy(editor.variant)
    own = [dict(i) for i in editor.own_items]
    if existing is not None:
        position = editor.own_ids.index(str(existing.get("id")))
        own[position] = item
        if ident != existing.get("id") and variant.get("order"):
            variant["order"] = [ident if x == existing.get("id") else x for x in variant["order"]]
    else:
        own.append(item)
    variant["items"] = own
    result = _save(campaign, variant, editor.base)
    if result is None:
        return [None]
    if isinstance(result, list):
        return result
    return []


@bp.route("/campaigns/<int:campaign_id>/questionnaire/preview")
@coach_only
def questionnaire_preview(campaign_id: int) -> Any:
    """The survey as an employee sees it, every part on one page; nothing can be sent."""
    campaign = campaign_or_404(campaign_id)
    questionnaire = campaign_questionnaire(campaign)
    language = str(get_locale())
    if language not in questionnaire.languages:
        language = questionnaire.languages[0]
    form_class = build_survey_form(campaign.id, questionnaire, language)
    form = form_class(formdata=None)
    shown = [
        (part, [form[item_id] for item_id in part.item_ids]) for part in parts_of(questionnaire, [])
    ]
    return render_template(
        "coach/questionnaire_preview.html",
        campaign=campaign,
        questionnaire=questionnaire,
        shown=shown,
        items={item.id: item for item in questionnaire.items},
        language=language,
        total=len(shown),
    )


@bp.route("/campaigns/<int:campaign_id>/questionnaire.yaml")
@coach_only
def questionnaire_download(campaign_id: int) -> Any:
    """The campaign's variant as a YAML file, to keep or to use in another organisation."""
    campaign = campaign_or_404(campaign_id)
    variant = campaign_variant(get_session(), campaign)
    note(Event.DOWNLOAD, f"{variant.get('id')}.yaml")
    return download(variant_text(variant), f"{variant.get('id')}.yaml", "application/yaml")


@bp.route("/campaigns/<int:campaign_id>/questionnaire/upload", methods=["POST"])
@coach_only
def questionnaire_upload(campaign_id: int) -> Any:
    """A questionnaire file for this campaign: checked, and kept only when it has no problem."""
    campaign = campaign_or_404(campaign_id)
    form = UploadForm()
    if is_frozen(campaign):
        return _frozen_answer(campaign)
    if not form.validate_on_submit():
        return _editor_page(campaign, status=422, upload_form=form)
    raw = form.upload.data.read(MAX_UPLOAD + 1)
    if len(raw) > MAX_UPLOAD:
        form.upload.errors = [_("The file is too large (at most 256 KB).")]
        return _editor_page(campaign, status=422, upload_form=form)
    session = get_session()
    try:
        questionnaire = save_variant(session, campaign, raw, reserved_item_ids())
    except VariantInUse as error:
        session.rollback()
        form.upload.errors = [_in_use(error.campaign)]
        return _editor_page(campaign, status=422, upload_form=form)
    except QuestionnaireFrozen:
        session.rollback()
        return _frozen_answer(campaign)
    except QuestionnaireError as error:
        session.rollback()
        return _editor_page(campaign, _problems(error), status=422, upload_form=form)
    note(
        Event.QUESTIONNAIRE_CHANGED,
        f"{campaign.organisation.slug}/{campaign.id}: {questionnaire.id}",
    )
    flash(_("The file was checked and is now the campaign's questionnaire."), "info")
    return redirect(url_for("coach.questionnaire_editor", campaign_id=campaign.id), code=303)
