"""The shared fixtures (tests/conftest.py) built once per test database, then put back.

Building the province edition imports two files through the import machinery, the scored one
two more, and `published` publishes: about a third of a second of work that 900 tests ask for.
The first test of a worker that asks for a fixture builds it for real; what that changed in the
database (rows added, changed and removed, in every table) is kept, and a later test starting
from the very same database (every table's content compared by a hash) gets those changes
written back in three statements a table instead. A test starting from another database (one
that made rows of its own first) builds the fixture for real again.

Only on PostgreSQL and inside a test's transaction: its foreign keys are checked at commit, so
rows go back in any order; each id sequence is moved past the ids written back. The
writers' other effects are those a test's transaction would lose anyway (work queued for after
the commit) or are redone here (the remembered data version).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from scoring import versions


def _tables() -> list[tuple[str, str]]:
    """(table, primary key column) of every table the project's models have."""
    with connection.cursor() as cursor:
        return [
            (table, connection.introspection.get_primary_key_column(cursor, table))
            for table in sorted(connection.introspection.django_table_names(only_existing=True))
        ]


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _fingerprint(tables: list[tuple[str, str]]) -> str:
    """One hash of the content of every table, in one query."""
    parts = ", ".join(
        f"(SELECT md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "
        f"FROM {_quoted(table)} t)"
        for table, _pk in tables
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(concat_ws('|', {parts}))")
        return cursor.fetchone()[0]


def _contents(tables: list[tuple[str, str]]) -> dict[str, dict[str, str]]:
    """Every row of every table as PostgreSQL writes it in JSON, by table and primary key: kept
    as text, so that no number passes through a float on its way back."""
    parts = " UNION ALL ".join(
        f"SELECT '{table}', {_quoted(pk)}::text, row_to_json(t)::text FROM {_quoted(table)} t"
        for table, pk in tables
    )
    contents: dict[str, dict[str, str]] = {table: {} for table, _pk in tables}
    with connection.cursor() as cursor:
        cursor.execute(parts)
        for table, key, row in cursor.fetchall():
            contents[table][key] = row
    return contents


@dataclass(frozen=True)
class Change:
    """What building a fixture did to one table: the keys of the rows it removed or rewrote,
    and the rows it added or rewrote, as JSON."""

    table: str
    pk: str
    sequence: str | None  # of an integer id, None for a key of another kind
    gone: list[str]
    rows: list[str]

    def apply(self, cursor) -> None:
        if self.gone:
            cursor.execute(
                f"DELETE FROM {_quoted(self.table)} WHERE {_quoted(self.pk)}::text = ANY(%s)",
                [self.gone],
            )
        if self.rows:
            cursor.execute(
                f"INSERT INTO {_quoted(self.table)} SELECT * FROM "
                f"json_populate_recordset(NULL::{_quoted(self.table)}, %s::json)",
                ["[" + ",".join(self.rows) + "]"],
            )


def _advance_sequences(cursor, changes: list[Change]) -> None:
    """Each table's id sequence past the ids written back: a flush that restarted the sequences
    (the demo's and the browser tests' clean-up) would otherwise hand them out again."""
    moves = ", ".join(
        f"setval('{c.sequence}', GREATEST((SELECT max({_quoted(c.pk)}) FROM "
        f"{_quoted(c.table)}), nextval('{c.sequence}')))"
        for c in changes
        if c.sequence and c.rows
    )
    if moves:
        cursor.execute(f"SELECT {moves}")


@dataclass(frozen=True)
class Snapshot:
    before: str
    after: str
    changes: list[Change]


def _sequences(tables: list[tuple[str, str]]) -> dict[str, str | None]:
    parts = ", ".join(f"pg_get_serial_sequence('{table}', '{pk}')" for table, pk in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {parts}")
        return dict(zip([table for table, _pk in tables], cursor.fetchone(), strict=True))


def _changes(
    tables: list[tuple[str, str]],
    before: dict[str, dict[str, str]],
    after: dict[str, dict[str, str]],
) -> list[Change]:
    sequences = _sequences(tables)
    changes = []
    for table, pk in tables:
        old, new = before.get(table, {}), after.get(table, {})
        rewritten = [key for key in new if key in old and new[key] != old[key]]
        gone = [key for key in old if key not in new] + rewritten
        added = [key for key in new if key not in old] + rewritten
        if gone or added:
            changes.append(Change(table, pk, sequences[table], gone, [new[key] for key in added]))
    return changes


class Snapshots:
    def __init__(self) -> None:
        self._taken: dict[tuple[str, str], Snapshot] = {}
        self._tables: list[tuple[str, str]] | None = None

    def build(self, name: str, make: Callable[[], None]) -> None:
        """Run make(), or write back what it did when it ran before from the same database."""
        if connection.vendor != "postgresql" or not connection.in_atomic_block:
            make()
            return
        if self._tables is None:
            self._tables = _tables()
        tables = self._tables
        before = _fingerprint(tables)
        # The database's own name: each worker has its own, and a test may switch databases.
        key = (connection.settings_dict["NAME"], name)
        taken = self._taken.get(key)
        if taken is not None and taken.before == before:
            with connection.cursor() as cursor:
                for change in taken.changes:
                    change.apply(cursor)
                _advance_sequences(cursor, taken.changes)
            # As the data version's receiver does on a save (parindex/signals.py).
            versions.forget_data_version()
            assert _fingerprint(tables) == taken.after, f"{name} was not put back as built"
            return
        contents = _contents(tables)
        make()
        after_contents = _contents(tables)
        self._taken[key] = Snapshot(
            before, _fingerprint(tables), _changes(tables, contents, after_contents)
        )


snapshots = Snapshots()
