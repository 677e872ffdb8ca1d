"""The audit trail as one timeline: every recorded change, whichever table keeps it.

How a page of the timeline is read without a query per row: each source filters in SQL (edition,
unit, person, kind) and is ordered newest first; for page p of n entries, the newest p × n rows of
every source are fetched (one query each, related rows joined or fetched in one more query), merged
by time and cut to the page. The newest p × n entries of the union are always among them. The total
is the sum of one COUNT per source. Sources that a filter rules out are not queried at all.
"""

import heapq
import itertools

from staff.audit.entries import AuditEntry, Filters, Source
from staff.audit.history import (
    AssignmentHistory,
    EditionHistory,
    RegionHistory,
    UnitHistory,
    UserHistory,
)
from staff.audit.records import Corrections, EditionChanges, EditionEvents, Replies, ScoreChanges

SOURCES: tuple[Source, ...] = (
    ScoreChanges(),
    Replies(),
    EditionChanges(),
    EditionEvents(),
    Corrections(),
    UnitHistory(),
    RegionHistory(),
    EditionHistory(),
    AssignmentHistory(),
    UserHistory(),
)


# --- the timeline ------------------------------------------------------------------------------


class Timeline:
    """Every change under the filters, newest first; sliced by a Paginator (count, then one
    slice), it reads each source twice at most: one COUNT and the newest `stop` rows."""

    # Filters is a frozen dataclass: one shared default is safe.
    def __init__(self, filters: Filters = Filters(), sources=SOURCES):  # noqa: B008
        self.filters = filters
        self.querysets = [
            (source, rows) for source in sources if (rows := source.rows(filters)) is not None
        ]

    def count(self) -> int:
        # Kept per source: the slice that follows skips the sources with nothing to show.
        self.counts = [rows.count() for _source, rows in self.querysets]
        return sum(self.counts)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, int):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        counts = getattr(self, "counts", None) or [None] * len(self.querysets)
        streams = [
            source.entries(list(rows[:stop]))
            for (source, rows), count in zip(self.querysets, counts, strict=True)
            if count != 0
        ]
        merged = heapq.merge(*streams, key=lambda entry: entry.when, reverse=True)
        return list(itertools.islice(merged, start, stop))


def leaf_history(score) -> list[AuditEntry]:
    """Every points change and reply of one score, newest first."""
    changes = ScoreChanges().entries(ScoreChanges().queryset().filter(score=score))
    replies = Replies().entries(Replies().queryset().filter(score=score))
    return list(heapq.merge(changes, replies, key=lambda entry: entry.when, reverse=True))
