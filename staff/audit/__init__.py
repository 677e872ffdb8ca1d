"""The audit trail as one timeline: every recorded change, whichever table keeps it.

The domain keeps its own audit rows (ScoreChange per leaf, EditionChange for an edition's set-up,
EditionEvent for stages, Reply, Correction: records.py); django-simple-history keeps the rest (Unit,
Region, Edition, UnitAssignment, User with its groups, i.e. its roles: history.py). Each source
turns its rows into the same AuditEntry (entries.py), so a page lists them together (timeline.py);
signals.py says where each history record came from.
"""

from staff.audit.entries import AuditEntry, Filters, Kind
from staff.audit.timeline import Timeline, leaf_history

__all__ = ["AuditEntry", "Filters", "Kind", "Timeline", "leaf_history"]
