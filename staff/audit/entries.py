"""What the audit trail lists: the kinds of change, one recorded change (AuditEntry), the filters a
page applies, and a source of changes (one table) that turns its rows into entries.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from provinces.models import Unit
from scoring.models import Edition


class Kind(models.TextChoices):
    SELF_POINTS = "score_self", _("Self-assessed points")
    APPRAISED_POINTS = "score_appraised", _("Appraised points")
    SURVEY_POINTS = "score_survey", _("Survey points")
    STAGE = "stage", _("Stage change")
    PUBLISH = "publish", _("Publish")
    CORRECTION = "correction", _("Reopening and correction")
    SUBMISSION = "submission", _("Self-assessment submitted or given back")
    SETUP = "setup", _("Criteria, participants and edition set-up")
    UNIT = "unit", _("Units and regions")
    ASSIGNMENT = "assignment", _("Roles and unit assignments")
    REPLY = "reply", _("Reply")


# Sources as the writers record them: "web", "admin", "command", or "import KIND FILE sha256=…".
WEB, ADMIN, COMMAND = "web", "admin", "command"


@dataclass(frozen=True)
class AuditEntry:
    """One recorded change. `old` and `new` are display text; a record that changed several
    fields at once lists them one per line, as `field: value`."""

    when: datetime
    who: object  # a User, or None (the system: a management command)
    kind: str
    edition: Edition | None
    unit: Unit | None
    subject: str
    old: str
    new: str
    reason: str
    source: str
    action: str = ""
    score_id: int | None = None  # a leaf's history, for score changes and replies

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label


@dataclass(frozen=True)
class Filters:
    edition: Edition | None = None
    unit: Unit | None = None
    user: object = None
    kind: str = ""


class Source:
    """One table of changes: which kinds it holds, its rows under the filters, and its entries."""

    kinds: frozenset[str] = frozenset()
    by_edition = False  # whether its rows belong to an edition (else an edition filter drops it)
    by_unit = False  # whether its rows belong to a unit (else a unit filter drops it)

    def rows(self, filters: Filters) -> models.QuerySet | None:
        """The rows under the filters, newest first, or None when the filters rule them all out."""
        if filters.kind and filters.kind not in self.kinds:
            return None
        if (filters.edition and not self.by_edition) or (filters.unit and not self.by_unit):
            return None
        return self.filtered(self.queryset(), filters)

    def queryset(self) -> models.QuerySet:
        raise NotImplementedError

    # The paths from a row to its edition, its unit (where a plain lookup reaches it) and its user.
    edition_lookup, unit_lookup, user_lookup = "edition", "", "user"

    def filtered(self, rows: models.QuerySet, filters: Filters) -> models.QuerySet:
        if filters.edition:
            rows = rows.filter(**{self.edition_lookup: filters.edition})
        if filters.unit and self.unit_lookup:
            rows = rows.filter(**{self.unit_lookup: filters.unit})
        if filters.user:
            rows = rows.filter(**{self.user_lookup: filters.user})
        return rows

    def entries(self, rows: list) -> list[AuditEntry]:
        raise NotImplementedError


def inferred_source(user) -> str:
    """Rows that keep no source: the system (no user) is a management command; a person acted
    on a screen."""
    return COMMAND if user is None else WEB
