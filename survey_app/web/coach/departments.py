"""An organisation's departments in the coach area: headcounts, adding, removing.

A department's ``name`` is the stable key of every frame and export; its
names per language are given on the names page (:mod:`.organisations`).
A department that a response or participation count refers to is never
removed: ``response.department_id`` is SET NULL, which would silently move
its answers to "not given".
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, get_locale
from flask_babel import gettext as _

from survey_app.campaign_data import wave_participation
from survey_app.store.db import get_session
from survey_app.store.models import Department, Organisation, WaveStatus
from survey_app.store.organisations import add_department, department_in_use
from survey_app.web.coach.common import bp, coach_only, organisation_or_404
from survey_app.web.coach.forms import (
    ConfirmForm,
    DepartmentForm,
    first_clash,
    headcounts_form,
    language_name,
)
from survey_app.web.confirm import confirm_delete


def over_headcount(organisation: Organisation) -> list[dict[str, Any]]:
    """Where a department's shown responses exceed its headcount: its headcount is too low.

    Read from the same participation table as the wave page (small groups
    hidden), for every wave that took answers and is not archived.
    """
    language = str(get_locale())
    found = []
    for campaign in organisation.campaigns:
        for wave in campaign.waves:
            if wave.archived or wave.status is WaveStatus.DRAFT:
                continue
            shown = wave_participation(get_session(), wave, organisation, language)
            names = {d.name: d for d in organisation.departments}
            for row in shown.departments:
                if row.rate is not None and row.rate > 1:
                    found.append({"wave": wave, "campaign": campaign,
                                  "department": names[row.name], "rate": row.rate})  # fmt: skip
    return found


def _departments_page(organisation: Organisation, form: Any, add_form: DepartmentForm) -> Any:
    return render_template(
        "coach/departments.html",
        organisation=organisation,
        form=form,
        add_form=add_form,
        too_many=over_headcount(organisation),
    )


@bp.route("/organisations/<slug>/departments", methods=["GET", "POST"])
@coach_only
def departments(slug: str) -> Any:
    """The departments' headcounts, changed at any time; adding and removing one."""
    organisation = organisation_or_404(slug)
    form = headcounts_form(organisation.departments)
    if form.validate_on_submit():
        for department in organisation.departments:
            department.headcount = form[f"headcount_{department.id}"].data
        get_session().commit()
        flash(_("Saved."), "info")
        return redirect(url_for("coach.departments", slug=slug))
    return _departments_page(organisation, form, DepartmentForm(formdata=None))


@bp.route("/organisations/<slug>/departments/new", methods=["POST"])
@coach_only
def new_department(slug: str) -> Any:
    """Add a department at the end of the list (its names in other languages come after)."""
    organisation = organisation_or_404(slug)
    add_form = DepartmentForm()
    if add_form.validate_on_submit():
        name = add_form.name.data.strip()
        departments = organisation.departments
        if any(d.name.casefold() == name.casefold() for d in departments):
            add_form.name.errors.append(_("There is already a department with this name."))
        else:
            names = [d.names or {} for d in departments] + [{}]
            clash = first_clash(
                [*departments, SimpleNamespace(name=name)],
                names,
                current_app.config["LANGUAGES"],
                organisation.main_language,
            )
            if clash is not None:
                add_form.name.errors.append(
                    _(
                        "Another department is called “%(name)s” in %(language)s: choose another "
                        "name.",
                        name=clash[1],
                        language=language_name(clash[0]),
                    )
                )
            else:
                add_department(get_session(), organisation, name, add_form.headcount.data)
                get_session().commit()
                flash(_("Department %(name)s added.", name=name), "info")
                return redirect(url_for("coach.departments", slug=slug))
    return _departments_page(organisation, headcounts_form(organisation.departments), add_form)


def _department_or_404(department_id: int) -> Department:
    department = get_session().get(Department, department_id)
    if department is None:
        abort(404)
    organisation_or_404(department.organisation.slug)  # checks the coach may manage it
    return department


@bp.route("/departments/<int:department_id>/delete", methods=["GET", "POST"])
@coach_only
def delete_department(department_id: int) -> Any:
    """Ask, then remove a department; refused once an answer or a count refers to it.

    Removing such a department would move its answers to "not given"; they are
    never lost that way, so it stays (its headcount may be set to 0).
    """
    department = _department_or_404(department_id)
    organisation = department.organisation
    session = get_session()
    name = department.label(str(get_locale()))
    refusal = None
    if department_in_use(session, department):
        refusal = _(
            "Responses or participation counts refer to it: removing it would move those "
            "answers to “not given”. Set its headcount to 0 if it no longer exists."
        )
    elif len(organisation.departments) == 1:
        refusal = _("An organisation keeps at least one department: add another one first.")
    form = ConfirmForm()
    if refusal is None and form.validate_on_submit():
        organisation.departments.remove(department)
        session.commit()
        flash(_("Department %(name)s removed.", name=name), "info")
        return redirect(url_for("coach.departments", slug=organisation.slug))
    if refusal is not None and request.method == "POST":
        flash(_("The department %(name)s cannot be removed", name=name), "error")
        flash(refusal, "error")
        return redirect(url_for("coach.departments", slug=organisation.slug))
    return confirm_delete(
        form,
        title=_("Remove the department %(name)s?", name=name)
        if refusal is None
        else _("The department %(name)s cannot be removed", name=name),
        details=[_("Headcount: %(count)s", count=format_decimal(department.headcount))],
        consequence=_(
            "No response refers to it yet. It leaves the survey's list of "
            "departments and the participation tables."
        ),
        button=_("Remove the department"),
        back=url_for("coach.departments", slug=organisation.slug),
        back_label=_("Departments and headcounts"),
        refusal=refusal,
    )
