"""Lifting participation while a wave runs: its target rate and the reminders.

- The target response rate (``Wave.target_rate``), set on the wave page in percent.
- With codes: the still-unused codes for a reminder mail merge (CSV), and,
  when a mail server is configured, a list of addresses that each get a
  fresh code of their own (a batch of at least the threshold, the
  addresses kept in ``invitation_address`` only and deleted when the wave
  is finalised), the invitations and later a reminder to those whose code
  is still unused, one e-mail each through :mod:`survey_app.web.mail`.
- With one open link: a reminder text to copy, with the link, the closing
  date and the response rate so far (only when the total may be shown).

Every send is an audit entry naming the wave and how many were sent, never
an address.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import force_locale, format_datetime, format_percent, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileSize
from werkzeug.utils import secure_filename
from wtforms import IntegerField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional

from analysis.anonymity import effective_threshold
from analysis.wording import day_with_month
from survey_app.campaign_data import live_participation
from survey_app.store import invitations, schedule
from survey_app.store.audit import Event
from survey_app.store.campaigns import campaign_questionnaire
from survey_app.store.db import get_session
from survey_app.store.models import InvitationMode, Wave, WaveStatus
from survey_app.store.users import EMAIL_PATTERN
from survey_app.web.audit import note
from survey_app.web.coach.common import bp, coach_only, download, survey_url, wave_or_404
from survey_app.web.coach.forms import ConfirmForm, language_name
from survey_app.web.coach.invitation_sheets import codes_csv, invitation_url, survey_languages
from survey_app.web.mail import Mailing, mail_configured, send_each

#: The largest upload of addresses (bytes); 2,000 addresses of 100 characters fit easily.
MAX_ADDRESS_FILE = 256 * 1024


class TargetForm(FlaskForm):
    target = IntegerField(
        _l("Target response rate (%)"),
        description=_l("A whole percentage, for example 60. Leave it empty for no target."),
        validators=[
            Optional(),
            NumberRange(min=1, max=100, message=_l("Give a whole percentage between 1 and 100.")),
        ],
    )


class AddressForm(FlaskForm):
    addresses = TextAreaField(
        _l("E-mail addresses"),
        description=_l("One per line, or separated by commas or semicolons."),
        validators=[Optional(), Length(max=MAX_ADDRESS_FILE)],
    )
    upload = FileField(
        _l("Or a CSV file with the addresses"),
        description=_l("Every cell with an @ is read as an address; a header row is skipped."),
        validators=[
            FileSize(
                max_size=MAX_ADDRESS_FILE,
                message=_l("The file is too large (at most 256 KB)."),
            )
        ],
    )


@dataclass(frozen=True)
class Addresses:
    """Addresses read from the coach's list: the good ones (once each) and what is wrong."""

    valid: list[str]
    #: (line, text) of what is not an address.
    invalid: list[tuple[int, str]]
    duplicates: int


_SEPARATORS = re.compile(r"[,;\s]+")


def read_addresses(text: str, *, from_csv: bool = False) -> Addresses:
    """The addresses in ``text``: one per line or separated by commas or semicolons.

    From a CSV file, only cells with an ``@`` count (so a header row or a
    column of names is skipped). Addresses are compared without case.

    >>> read_addresses("a@x.be; B@x.be\\nnot-one\\na@X.be")
    Addresses(valid=['a@x.be', 'B@x.be'], invalid=[(2, 'not-one')], duplicates=1)
    """
    valid: list[str] = []
    invalid: list[tuple[int, str]] = []
    seen: set[str] = set()
    duplicates = 0
    if from_csv:
        dialect = csv.Sniffer().sniff(text[:4096], ",;\t") if text.strip() else csv.excel
        rows = csv.reader(io.StringIO(text), dialect)
        lines = [
            (number, [cell.strip() for cell in row if "@" in cell])
            for number, row in enumerate(rows, start=1)
        ]
    else:
        lines = [
            (number, [part for part in _SEPARATORS.split(line) if part])
            for number, line in enumerate(text.splitlines(), start=1)
        ]
    for number, parts in lines:
        for part in parts:
            address = part.strip().strip("<>\"'")
            if not EMAIL_PATTERN.match(address) or len(address) > 254:
                invalid.append((number, part[:80]))
            elif address.casefold() in seen:
                duplicates += 1
            else:
                seen.add(address.casefold())
                valid.append(address)
    return Addresses(valid, invalid, duplicates)


def _threshold(wave: Wave) -> int:
    return effective_threshold(wave.campaign.organisation.anonymity_threshold)


@bp.route("/waves/<int:wave_id>/target", methods=["POST"])
@coach_only
def wave_target(wave_id: int) -> Any:
    """Set (or clear) the wave's target response rate, given in percent."""
    wave = wave_or_404(wave_id)
    form = TargetForm()
    if wave.status is WaveStatus.CLOSED:
        flash(_("This wave cannot be changed that way."), "error")
    elif not form.validate_on_submit():
        errors = [str(e) for e in form.target.errors] or [_("Please try again.")]
        flash(" ".join(errors), "error")
    else:
        wave.target_rate = form.target.data / 100 if form.target.data is not None else None
        get_session().commit()
        flash(_("Saved."), "info")
    return redirect(url_for("coach.wave", wave_id=wave.id))


def _closing_text(wave: Wave) -> str | None:
    """ "The survey closes on …" in the current locale, when a closing time is set."""
    if wave.closes_at is None:
        return None
    when = day_with_month(format_datetime(wave.closes_at, "medium"))
    return _("The survey closes on %(when)s.", when=when)


def _title(wave: Wave, language: str) -> str:
    titles = campaign_questionnaire(wave.campaign).title
    return titles.get(language) or next(iter(titles.values()), "Klimaatpeil")


def reminder_texts(wave: Wave) -> list[tuple[str, str, str]]:
    """(language, its name, text) of the open link's reminder, in every language of the survey."""
    live = live_participation(get_session(), wave, str(get_locale()))
    organisation = wave.campaign.organisation
    texts = []
    for language in survey_languages(wave):
        name = language_name(language)
        with force_locale(language):
            lines = [
                _title(wave, language),
                "",
                _(
                    "Have you filled in our survey yet? It takes about five minutes and is"
                    " anonymous: nobody can see who answered what."
                ),
                survey_url(wave),
            ]
            closing = _closing_text(wave)
            if closing:
                lines.append(closing)
            if live.rate:  # the total may be shown, and someone answered
                lines.append(
                    _(
                        "So far %(rate)s of the staff of %(organisation)s have answered.",
                        rate=format_percent(live.rate),
                        organisation=organisation.name,
                    )
                )
            if live.target is not None and (live.rate is None or live.rate < live.target):
                lines.append(_("Help us reach %(rate)s!", rate=format_percent(live.target)))
        texts.append((language, name, "\n".join(lines)))
    return texts


@bp.route("/waves/<int:wave_id>/reminders")
@coach_only
def reminders(wave_id: int) -> Any:
    wave = wave_or_404(wave_id)
    session = get_session()
    threshold = _threshold(wave)
    batches = invitations.batches(session, wave)
    # the batch rule of the wave page: counts of a batch smaller than the threshold are not shown
    countable = bool(batches) and all(count >= threshold for _b, count, _u in batches)
    unused = sum(count - used for _b, count, used in batches) if countable else None
    return render_template(
        "coach/reminders.html",
        wave=wave,
        campaign=wave.campaign,
        threshold=threshold,
        tokens=wave.invitation_mode is InvitationMode.TOKENS,
        has_codes=bool(batches),
        unused=unused,
        mail=mail_configured(),
        address_form=AddressForm(),
        address_count=invitations.address_count(session, wave),
        address_batches=invitations.address_batches(session, wave),
        can_add=wave.status in (WaveStatus.DRAFT, WaveStatus.OPEN),
        can_send=wave.status is WaveStatus.OPEN,
        texts=reminder_texts(wave) if wave.invitation_mode is InvitationMode.OPEN else [],
    )


@bp.route("/waves/<int:wave_id>/invitations/unused.csv")
@coach_only
def unused_codes(wave_id: int) -> Any:
    """The codes not used yet, each with its personal link, for a reminder mail merge."""
    from survey_app.web.coach.downloads import _noted

    wave = wave_or_404(wave_id)
    codes = invitations.unused_codes(get_session(), wave)
    if not codes:
        abort(404)
    filename = secure_filename(f"{wave.campaign.organisation.slug}-{wave.name}-unused-codes.csv")
    return _noted(download(codes_csv(wave, codes), filename, "text/csv"))


@bp.route("/waves/<int:wave_id>/reminders/addresses", methods=["POST"])
@coach_only
def add_addresses(wave_id: int) -> Any:
    """Give a list of addresses: each gets a fresh single-use code of the wave (one batch)."""
    wave = wave_or_404(wave_id)
    back = redirect(url_for("coach.reminders", wave_id=wave.id))
    form = AddressForm()
    if (
        not mail_configured()
        or wave.invitation_mode is not InvitationMode.TOKENS
        or (wave.status not in (WaveStatus.DRAFT, WaveStatus.OPEN))
    ):
        flash(_("This wave cannot be changed that way."), "error")
        return back
    if not form.validate_on_submit():
        errors = [str(e) for field in form for e in field.errors]
        flash(" ".join(errors) or _("Please try again."), "error")
        return back
    text = form.addresses.data or ""
    from_csv = False
    if form.upload.data:
        raw = form.upload.data.read(MAX_ADDRESS_FILE + 1)
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            flash(_("The file is not a CSV file in UTF-8: save it as CSV UTF-8 and try again."),
                  "error")  # fmt: skip
            return back
        from_csv = True
    found = read_addresses(text, from_csv=from_csv)
    if found.invalid:
        shown = "; ".join(
            _("line %(line)s: %(text)s", line=line, text=value) for line, value in found.invalid[:5]
        )
        flash(
            _(
                "%(count)s entries are not e-mail addresses (%(shown)s). Correct them and"
                " give the list again: nothing was stored.",
                count=len(found.invalid),
                shown=shown,
            ),
            "error",
        )
        return back
    session = get_session()
    known = {email.casefold() for email, _code in invitations.addressed(session, wave)}
    new = [address for address in found.valid if address.casefold() not in known]
    threshold = _threshold(wave)
    if len(new) < threshold:
        flash(
            _(
                "Give at least %(threshold)s new addresses at a time (%(count)s given), so"
                " that a used code cannot be traced to one person.",
                threshold=threshold,
                count=len(new),
            ),
            "error",
        )
        return back
    if len(new) > invitations.MAX_PER_BATCH:
        flash(_("At most %(count)s addresses at a time.", count=invitations.MAX_PER_BATCH),
              "error")  # fmt: skip
        return back
    batch = invitations.generate_addressed(session, wave, new)
    message = _("%(count)s addresses kept, each with a code of its own (batch %(batch)s).",
                count=len(new), batch=batch)  # fmt: skip
    skipped = len(found.valid) - len(new) + found.duplicates
    if skipped:
        message += " " + _("%(count)s addresses were already in the list.", count=skipped)
    flash(message, "info")
    return back


def _mailings(wave: Wave, pairs: list[tuple[str, str]], reminder: bool) -> list[Mailing]:
    """One message per (address, code), in every language of the survey, main language first."""
    languages = survey_languages(wave)
    organisation = wave.campaign.organisation
    mailings = []
    for email, code in pairs:
        subjects, parts = [], []
        for language in languages:
            with force_locale(language):
                title = _title(wave, language)
                subjects.append(_("Reminder: %(title)s", title=title) if reminder else title)
                lines = [
                    _(
                        "You have not answered the survey of %(organisation)s yet. There is"
                        " still time: it takes about five minutes.",
                        organisation=organisation.name,
                    )
                    if reminder
                    else _(
                        "%(organisation)s asks you to fill in its survey. It takes about five"
                        " minutes.",
                        organisation=organisation.name,
                    ),
                    _(
                        "Your answers are anonymous: they are not linked to this e-mail or to"
                        " your code. Your personal link works once:"
                    ),
                    invitation_url(wave, code),
                ]
                closing = _closing_text(wave)
                if closing:
                    lines.append(closing)
                parts.append("\n".join(lines))
        subject = " / ".join(dict.fromkeys(subjects))
        mailings.append(Mailing(email, subject, "\n\n-----\n\n".join(parts)))
    return mailings


def _recipients(wave: Wave, batch: int | None) -> list[tuple[str, str]]:
    """Invitation: the addresses of one batch; reminder (``batch`` None): codes still unused."""
    session = get_session()
    if batch is None:
        return invitations.addressed(session, wave, unused_only=True)
    codes = set(invitations.batch_codes(session, wave, batch))
    return [(email, code) for email, code in invitations.addressed(session, wave) if code in codes]


@bp.route("/waves/<int:wave_id>/mail/invite/<int:batch>", methods=["GET", "POST"],
          defaults={"kind": "invite"})  # fmt: skip
@bp.route("/waves/<int:wave_id>/mail/remind", methods=["GET", "POST"],
          defaults={"kind": "remind", "batch": None})  # fmt: skip
@coach_only
def send_mail(wave_id: int, kind: str, batch: int | None) -> Any:
    """Ask, then send: the invitations of one batch of addresses, or a reminder to the rest."""
    wave = wave_or_404(wave_id)
    back = redirect(url_for("coach.reminders", wave_id=wave.id))
    if not mail_configured() or wave.status is not WaveStatus.OPEN:
        flash(_("E-mail can be sent while the wave is open and a mail server is set up."), "error")
        return back
    reminder = kind == "remind"
    pairs = _recipients(wave, batch)
    if not pairs:
        flash(_("There is nobody to send an e-mail to."), "info")
        return back
    form = ConfirmForm()
    if form.is_submitted():
        if not form.validate():
            flash(_("The form expired or was not sent from this page: nothing was sent."),
                  "error")  # fmt: skip
            return back
        sent = send_each(_mailings(wave, pairs, reminder))
        event = Event.REMINDERS_SENT if reminder else Event.INVITATIONS_SENT
        note(event, f"{schedule.audit_subject(wave)}: {sent}")
        flash(_("%(count)s e-mails sent.", count=sent), "info")
        return back
    return render_template(
        "coach/mail_confirm.html",
        wave=wave,
        campaign=wave.campaign,
        reminder=reminder,
        count=len(pairs),
        form=form,
        languages=[language_name(language) for language in survey_languages(wave)],
    )
