"""The app's tables (SQLAlchemy 2, typed).

Anonymity rules from docs/architecture.md shape this module: a response row
carries no time, no IP address, no user agent and no account; its id is
random; participation over time is counted in a separate table by day only.
"""

from __future__ import annotations

import enum
import secrets
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def random_id() -> str:
    """A response id that says nothing about when or in which order it was stored."""
    return secrets.token_hex(16)


def public_token() -> str:
    """An unguessable token for a wave's public survey link."""
    return secrets.token_urlsafe(16)


class Base(DeclarativeBase):
    pass


def display_name(name: str, names: dict | None, language: str, main_language: str) -> str:
    """What a reader of ``language`` sees for a wave or department called ``name``.

    ``name`` is the stable key (in the organisation's main language), used in
    the analysis frames and exports; ``names`` holds the names given per
    language. The reader's own language first, then the organisation's main
    language, then the key itself. This is the one fallback rule; everything
    that shows a wave or department name goes through it.
    """
    names = names or {}
    return names.get(language) or names.get(main_language) or name


class NamedInLanguages:
    """A wave or department: a stable ``name`` and optional ``names`` per language."""

    def _main_language(self) -> str:
        raise NotImplementedError

    def label(self, language: str) -> str:
        """The name to show in ``language`` (see :func:`display_name`)."""
        return display_name(self.name, self.names, language, self._main_language())  # type: ignore[attr-defined]


def _enum(enum_class: type[enum.Enum]) -> Enum:
    """Store an enum by its (lower-case) value, as plain text on every database."""
    return Enum(
        enum_class,
        native_enum=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
    )


class Role(enum.StrEnum):
    ADMIN = "admin"
    COACH = "coach"
    VIEWER = "viewer"


class WaveKind(enum.StrEnum):
    BASELINE = "baseline"
    FOLLOW_UP = "follow_up"
    EXTRA = "extra"


class InvitationMode(enum.StrEnum):
    OPEN = "open"  # one public link for everybody
    TOKENS = "tokens"  # single-use codes handed out by the coach


class WaveStatus(enum.StrEnum):
    """Where a wave stands; survey_app/store/schedule.py moves it along the clock.

    ``CLOSING``: closed to new respondents at ``Wave.closed_at``, but a form
    loaded before then is still accepted for the grace period; its answers
    are published, and its results shown, only once the wave is ``CLOSED``.
    """

    DRAFT = "draft"
    OPEN = "open"
    CLOSING = "closing"
    CLOSED = "closed"


user_organisation = Table(
    "user_organisation",
    Base.metadata,
    Column("user_id", ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
)


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    #: Smallest group shown in any breakdown (never below 3).
    anonymity_threshold: Mapped[int] = mapped_column(Integer, default=5)
    #: Local figures for the savings estimate (factor id → value), e.g. the own electricity price.
    impact_factors: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The language the department and wave names (the keys) are written in.
    main_language: Mapped[str] = mapped_column(String(5), default="nl", server_default="nl")

    departments: Mapped[list[Department]] = relationship(
        back_populates="organisation", order_by="Department.position", cascade="all, delete-orphan"
    )
    campaigns: Mapped[list[Campaign]] = relationship(
        back_populates="organisation", order_by="Campaign.id", cascade="all, delete-orphan"
    )

    @property
    def headcount(self) -> int:
        return sum(department.headcount for department in self.departments)


class Department(NamedInLanguages, Base):
    __tablename__ = "department"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    #: The name per language ({"fr": "Finances", ...}); see display_name.
    names: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    headcount: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)

    organisation: Mapped[Organisation] = relationship(back_populates="departments")

    def _main_language(self) -> str:
        return self.organisation.main_language


class Campaign(Base):
    """One organisation measured with one questionnaire, over several waves."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    questionnaire_id: Mapped[str] = mapped_column(String(40))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    #: The exact questionnaire used, so that later edits of the file never change past waves.
    questionnaire_snapshot: Mapped[dict] = mapped_column(JSON)
    #: After this date the responses should be purged (``klimaatpeil purge --expired``).
    retention_until: Mapped[date | None] = mapped_column(Date)
    #: Ask respondents for the optional anonymous linking code.
    linking_enabled: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    #: Random per campaign; with the server's key it makes the linking code hashes.
    linking_salt: Mapped[str] = mapped_column(
        String(64), default=lambda: secrets.token_hex(16), server_default=""
    )
    #: Archived campaigns leave the coach's lists; nothing of them is deleted.
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    #: When the coach published the results page for staff (at the waves' own links,
    #: once the follow-up is closed); None while unpublished.
    results_published_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)

    organisation: Mapped[Organisation] = relationship(back_populates="campaigns")
    waves: Mapped[list[Wave]] = relationship(
        back_populates="campaign", order_by="Wave.position", cascade="all, delete-orphan"
    )
    actions: Mapped[list[Action]] = relationship(
        back_populates="campaign", order_by="Action.id", cascade="all, delete-orphan"
    )
    workshops: Mapped[list[Workshop]] = relationship(
        back_populates="campaign", order_by="Workshop.held_on", cascade="all, delete-orphan"
    )


class QuestionnaireVariant(Base):
    """An organisation's own questionnaire: a variant file (questionnaires/variants.py), as YAML.

    A campaign uses it when its ``questionnaire_id`` is the variant's ``key``;
    what the campaign asks is its own snapshot, resolved from this text and
    frozen when its first wave opens, so editing the variant later changes
    no campaign that has started.
    """

    __tablename__ = "questionnaire_variant"
    __table_args__ = (UniqueConstraint("organisation_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    #: The variant's ``id:`` (an identifier, never a shipped questionnaire's name).
    key: Mapped[str] = mapped_column(String(40))
    #: The variant file as the coach wrote, built or uploaded it.
    source: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime)


class ActionType(enum.StrEnum):
    BEHAVIOUR = "behaviour"
    INFRASTRUCTURE = "infrastructure"
    ORGANISATION = "organisation"


class Horizon(enum.StrEnum):
    SHORT = "short"
    LONG = "long"


class ActionStatus(enum.StrEnum):
    IDEA = "idea"
    PLANNED = "planned"
    RUNNING = "running"
    DONE = "done"
    DROPPED = "dropped"


class Phase(enum.StrEnum):
    """The four phases of a coached climate-team trajectory."""

    DIAGNOSE = "diagnose"
    PLANNING = "planning"
    ACTIE = "actie"
    VERANKERING = "verankering"


class Action(Base):
    """One action on the climate team's plan, linked to the survey items it targets."""

    __tablename__ = "action"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    theme: Mapped[str] = mapped_column(String(40))
    type: Mapped[ActionType] = mapped_column(_enum(ActionType))
    horizon: Mapped[Horizon] = mapped_column(_enum(Horizon))
    #: A role ("facility manager"), not a person's name.
    owner: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[ActionStatus] = mapped_column(_enum(ActionStatus), default=ActionStatus.IDEA)
    due_on: Mapped[date | None] = mapped_column(Date)
    #: Ids of the survey items the action means to change.
    items: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")

    campaign: Mapped[Campaign] = relationship(back_populates="actions")


class Workshop(Base):
    """One meeting of the trajectory, with its notes and decisions (Markdown)."""

    __tablename__ = "workshop"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    held_on: Mapped[date] = mapped_column(Date)
    phase: Mapped[Phase] = mapped_column(_enum(Phase))
    title: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    decisions: Mapped[str] = mapped_column(Text, default="")
    #: What is planned (Markdown), before the workshop is held.
    agenda: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: How many took part; None until the workshop is held (a future date is "planned").
    participants: Mapped[int | None] = mapped_column(Integer, nullable=True)

    campaign: Mapped[Campaign] = relationship(back_populates="workshops")


class Wave(NamedInLanguages, Base):
    __tablename__ = "wave"
    __table_args__ = (UniqueConstraint("campaign_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    #: The stable key in the analysis frames and exports; readers see label(language).
    name: Mapped[str] = mapped_column(String(60))
    #: The name per language ({"fr": "mesure initiale", ...}); see display_name.
    names: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    kind: Mapped[WaveKind] = mapped_column(_enum(WaveKind))
    status: Mapped[WaveStatus] = mapped_column(_enum(WaveStatus), default=WaveStatus.DRAFT)
    position: Mapped[int] = mapped_column(Integer, default=0)
    token: Mapped[str] = mapped_column(String(40), unique=True, default=public_token)
    invitation_mode: Mapped[InvitationMode] = mapped_column(
        _enum(InvitationMode), default=InvitationMode.OPEN, server_default="open"
    )
    opened_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    #: Scheduled opening and closing (naive UTC); the clock applies them
    #: (survey_app/store/schedule.py). None: opened or closed by hand.
    opens_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closes_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: When it stopped taking new respondents (naive UTC), by hand or by the clock;
    #: forms loaded before then are accepted for the grace period after it.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: The response rate the coach aims for (0–1), shown beside the live rates.
    target_rate: Mapped[float | None] = mapped_column(Float, nullable=True)
    #: Archived waves leave the coach's lists; nothing of them is deleted.
    archived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    campaign: Mapped[Campaign] = relationship(back_populates="waves")

    def _main_language(self) -> str:
        return self.campaign.organisation.main_language


class Response(Base):
    """One submitted survey: which wave, which department, which language — nothing else."""

    __tablename__ = "response"
    # WITHOUT ROWID: SQLite then keeps rows in id order, so not even the
    # physical order of the table reveals the order in which people answered.
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    department_id: Mapped[int | None] = mapped_column(
        ForeignKey("department.id", ondelete="SET NULL")
    )
    language: Mapped[str] = mapped_column(String(5))

    answers: Mapped[list[Answer]] = relationship(
        back_populates="response", cascade="all, delete-orphan"
    )


class Intake(Base):
    """An accepted response waiting to be released, sealed: unreadable without the intake key.

    A response is first stored here (in the transaction that marks its
    invitation code used and records its submission key), encrypted with a
    key that is never in the database; it becomes a ``response`` row only
    when at least k responses of the wave wait, all of them at once, in a
    separate transaction and in shuffled order (survey_app/store/intake.py).
    """

    __tablename__ = "intake"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class Answer(Base):
    """One answer: a code (scales, yes/no, choices), a number, a text, or "not applicable"."""

    __tablename__ = "answer"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012

    response_id: Mapped[str] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    number: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)
    not_applicable: Mapped[bool] = mapped_column(default=False)

    response: Mapped[Response] = relationship(back_populates="answers")


class LinkingCode(Base):
    """The optional linking code of a response: keyed hashes that reveal no single element.

    ``without_<i>`` is a keyed hash of the four elements other than element
    ``i`` (NULL when one of those four was not answered), so no stored value
    depends on one element alone, and two codes share a value exactly when
    they differ in at most the element it leaves out. ``key_fingerprint``
    says under which linking key the row was made: the same for every row of
    a campaign as long as the key stays (survey_app/store/linking.py).
    """

    __tablename__ = "linking_code"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012

    response_id: Mapped[str] = mapped_column(
        ForeignKey("response.id", ondelete="CASCADE"), primary_key=True
    )
    without_1: Mapped[str | None] = mapped_column(String(16))
    without_2: Mapped[str | None] = mapped_column(String(16))
    without_3: Mapped[str | None] = mapped_column(String(16))
    without_4: Mapped[str | None] = mapped_column(String(16))
    without_5: Mapped[str | None] = mapped_column(String(16))
    key_fingerprint: Mapped[str] = mapped_column(String(16))

    @property
    def hashes(self) -> tuple[str | None, ...]:
        """The five leave-one-out hashes, element 1 left out first."""
        return (self.without_1, self.without_2, self.without_3, self.without_4, self.without_5)


class Participation(Base):
    """How many responses a wave got per day and department — kept apart from the answers.

    ``department_id`` 0 counts respondents who did not say their department
    (0 rather than NULL so that the unique key works on every database).
    """

    __tablename__ = "participation"
    __table_args__ = (UniqueConstraint("wave_id", "day", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    department_id: Mapped[int] = mapped_column(Integer, default=0)
    count: Mapped[int] = mapped_column(Integer, default=0)


class Invitation(Base):
    """A single-use code for one wave. It records whether it was used — never by which response."""

    __tablename__ = "invitation"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012

    code: Mapped[str] = mapped_column(String(24), primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    #: Codes generated together, so that a sheet can be printed again.
    batch: Mapped[int] = mapped_column(Integer, default=1)
    used: Mapped[bool] = mapped_column(default=False)


class InvitationAddress(Base):
    """The address an invitation code was mailed to, for reminders; deleted when the wave closes.

    Kept apart from everything else: it names the code, never a response
    (a code records only whether it was used). Nothing reads it but the
    reminder mail, and ``schedule.finalise`` deletes the wave's rows.
    """

    __tablename__ = "invitation_address"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012

    code: Mapped[str] = mapped_column(
        ForeignKey("invitation.code", ondelete="CASCADE"), primary_key=True
    )
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))


class SubmissionKey(Base):
    """A form's one-time key: a retried post of the same form stores nothing twice.

    Stored in the response's transaction, without any link to the response.
    """

    __tablename__ = "submission_key"
    __table_args__ = {"sqlite_with_rowid": False}  # noqa: RUF012

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("wave.id", ondelete="CASCADE"), index=True)


class ResultCache(Base):
    """A report or dashboard computed from closed waves, kept so it is computed only once.

    ``key`` is a hash of everything the result was computed from (see
    ``survey_app/result_cache.py``); ``name`` says what it is (``report:impact:nl:pdf``),
    so that a newer result replaces the older one of the same name. Only
    aggregates live here, never a response; purging a campaign deletes its rows.
    """

    __tablename__ = "result_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    created_on: Mapped[date] = mapped_column(Date)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class JobState(enum.StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Job(Base):
    """A result being made off the request (a report): what every app server sees of it.

    ``key`` is the result's key in ``result_cache``, so one result is made by
    one job at a time, whichever server or click asked first; ``token`` is
    the random id of its progress page (it says nothing about the job).
    ``started_on`` (UTC) tells a job left running by a killed process from
    one still at work. ``reason`` is the translated reason of a failure, or
    empty for an unexpected one. No answer ever lives here.
    """

    __tablename__ = "job"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str] = mapped_column(String(43), unique=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    target: Mapped[str] = mapped_column(String(300))
    state: Mapped[JobState] = mapped_column(_enum(JobState))
    started_on: Mapped[datetime] = mapped_column(DateTime)
    reason: Mapped[str] = mapped_column(Text, default="")


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role))
    #: Part of the login cookie (``get_id``): a new value refuses every cookie
    #: issued before, on logout, password change and admin reset.
    session_token: Mapped[str] = mapped_column(
        String(43), default=lambda: secrets.token_urlsafe(16)
    )
    #: Failed password attempts in a row, and until when the account is locked.
    failed_logins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: A password reset link: the SHA-256 of its token and when it expires (single use).
    reset_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reset_expires_on: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    #: TOTP second factor: the base32 secret, whether it is confirmed and on,
    #: and the last 30-second step used (a code is never accepted twice).
    totp_secret: Mapped[str | None] = mapped_column(String(32), nullable=True)
    totp_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    totp_last_step: Mapped[int | None] = mapped_column(Integer, nullable=True)

    organisations: Mapped[list[Organisation]] = relationship(
        secondary=user_organisation, order_by="Organisation.name"
    )

    # Flask-Login protocol
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        """Flask-Login's alternative id: the cookie dies when the session token changes."""
        return f"{self.id}:{self.session_token}"

    def new_session_token(self) -> None:
        """Refuse every session cookie issued so far (the caller commits)."""
        self.session_token = secrets.token_urlsafe(16)

    def can_manage(self, organisation: Organisation) -> bool:
        """Coaches manage the organisations assigned to them; admins manage all."""
        if self.role is Role.ADMIN:
            return True
        return self.role is Role.COACH and any(o.id == organisation.id for o in self.organisations)


class AuditEntry(Base):
    """Who (an account, as it was then) did what to which report, wave or account, and when.

    Only staff actions: downloads, closing (and reopening) a wave, purging responses,
    creating, changing or deleting an account. Never anything about a
    respondent (no answer, code, token or address). The account id has no
    foreign key, so the entry outlives the account; ``account_email`` is the
    address it had then (empty for the command line). See survey_app/store/audit.py.
    """

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: When, in UTC.
    at: Mapped[datetime] = mapped_column(DateTime, index=True)
    account_id: Mapped[int | None] = mapped_column(Integer, index=True)
    account_email: Mapped[str] = mapped_column(String(254), default="")
    #: One of survey_app.store.audit.Event.
    action: Mapped[str] = mapped_column(String(40))
    #: What it was done to: a file name, an account's address, an organisation/campaign/wave.
    subject: Mapped[str] = mapped_column(String(300), default="")


class ShareLink(Base):
    """A link to one report for readers without an account: expiring and revocable.

    Like a password reset link, only a hash of its random token is stored
    (``token_hash``): whoever reads the database or a backup cannot open
    the report. ``kind`` is ``diagnosis`` or ``impact``, ``language`` and
    ``fmt`` (``html``/``pdf``) fix the one file it gives. ``created_by`` is the
    coach's account id (no foreign key, as in the audit trail).
    """

    __tablename__ = "share_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    language: Mapped[str] = mapped_column(String(5))
    fmt: Mapped[str] = mapped_column(String(5))
    #: Naive UTC, as every time of the app.
    created_at: Mapped[datetime] = mapped_column(DateTime)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)

    campaign: Mapped[Campaign] = relationship()


class SiteChangeKind(enum.StrEnum):
    """What changed at a site, as the coach enters it (docs/meters.md)."""

    RENOVATION = "renovation"
    NEW_BUILDING = "new_building"
    OCCUPANCY = "occupancy"
    OTHER = "other"


class Site(Base):
    """A building of an organisation, with its meters and its outdoor temperatures.

    Nothing about people: a site holds meter readings, degree days and the
    coach's notes on changes to the building.
    """

    __tablename__ = "site"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))

    organisation: Mapped[Organisation] = relationship()
    meters: Mapped[list[Meter]] = relationship(
        back_populates="site", order_by="Meter.name", cascade="all, delete-orphan"
    )
    changes: Mapped[list[SiteChange]] = relationship(
        back_populates="site", order_by="SiteChange.start", cascade="all, delete-orphan"
    )


class Meter(Base):
    """One meter of a site: its name in the readings file, kind and reported unit."""

    __tablename__ = "meter"
    __table_args__ = (UniqueConstraint("site_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    #: One of ``analysis.meters.KINDS``.
    kind: Mapped[str] = mapped_column(String(20))
    #: The unit the readings are stored in (kWh, m³ or litre), as ``read_readings`` reports.
    unit: Mapped[str] = mapped_column(String(20))

    site: Mapped[Site] = relationship(back_populates="meters")


class MeterReading(Base):
    """The use of one meter over one period (both days included), in the meter's unit."""

    __tablename__ = "meter_reading"
    __table_args__ = (UniqueConstraint("meter_id", "start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meter_id: Mapped[int] = mapped_column(ForeignKey("meter.id", ondelete="CASCADE"), index=True)
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)


class SiteDegreeDays(Base):
    """Heating degree days of one day at a site (Belgian equivalent, 16.5 °C base).

    Kept as degree days whether the coach uploaded daily temperatures or
    monthly degree days (spread over the month), as ``read_temperatures`` gives them.
    """

    __tablename__ = "site_degree_days"

    site_id: Mapped[int] = mapped_column(
        ForeignKey("site.id", ondelete="CASCADE"), primary_key=True
    )
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    degree_days: Mapped[float] = mapped_column(Float)


class SiteChange(Base):
    """A change to a building (renovation, new building, occupancy) over a range of days.

    The meters' periods that overlap it are left out of the savings model
    (docs/meters.md, "Site changes").
    """

    __tablename__ = "site_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="CASCADE"))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    kind: Mapped[SiteChangeKind] = mapped_column(_enum(SiteChangeKind))
    note: Mapped[str] = mapped_column(Text, default="")

    site: Mapped[Site] = relationship(back_populates="changes")


class MeterWindows(Base):
    """A campaign's baseline and reporting windows for the measured savings (both days included)."""

    __tablename__ = "meter_windows"

    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True
    )
    baseline_start: Mapped[date] = mapped_column(Date)
    baseline_end: Mapped[date] = mapped_column(Date)
    reporting_start: Mapped[date] = mapped_column(Date)
    reporting_end: Mapped[date] = mapped_column(Date)
