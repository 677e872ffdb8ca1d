"""Messages as data: what an import, a rule or a writer has to say, rendered only when shown.

A `Message` carries a code, its parameters and where it applies (file, row, column). It becomes a
sentence in `str()`, in the active language: the web shows the reader's, the commands run without
translations (`@no_translations`), so they print the English message strings that
docs/formats.md documents. Decimal parameters (points, maxima) are written with the active
language's decimal separator ("1,5 vượt quá mức tối đa 1,00"); text quoted from a file or a form
stays as it was typed. Each module registers the codes it raises with `register()`, marking
the English strings with gettext_noop so that makemessages finds them.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import gettext, gettext_noop

MESSAGES: dict[str, str] = {}
MAX_REPORTED = 200


def register(**messages: str) -> None:
    """Add codes to the catalogue; a code means one thing, so registering it twice is a bug."""
    for code, text in messages.items():
        if MESSAGES.get(code, text) != text:
            raise ValueError(f"message code {code!r} is registered with another text")
        MESSAGES[code] = text


register(
    # Translators: the line format of every import problem; %(column)s is a column name of the
    # file (year, unit, self_points...), kept as written.
    at_row_column=gettext_noop("row %(row)s, column %(column)s: %(problem)s"),
    at_file=gettext_noop("file %(filename)s: %(problem)s"),
    # Translators: %(count)s problems beyond those listed were found but not shown.
    more_problems=gettext_noop("and %(count)s more problems"),
)


@dataclass(frozen=True)
class Message:
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    row: int | None = None
    column: str | None = None
    filename: str | None = None

    def at(self, row: int | None, column: str | None = None) -> "Message":
        return replace(self, row=row, column=column)

    def in_file(self, filename: str) -> "Message":
        return replace(self, filename=filename)

    def text(self) -> str:
        """The sentence without its location, in the active language."""
        params = {name: _as_shown(value) for name, value in self.params.items()}
        return gettext(MESSAGES[self.code]) % params if params else gettext(MESSAGES[self.code])

    def __str__(self) -> str:
        text = self.text()
        if self.row is not None and self.column is not None:
            text = gettext(MESSAGES["at_row_column"]) % {
                "row": self.row,
                "column": self.column,
                "problem": text,
            }
        if self.filename is not None:
            text = gettext(MESSAGES["at_file"]) % {"filename": self.filename, "problem": text}
        return text


@dataclass(frozen=True)
class Listing:
    """Parameters joined into one, each shown as a parameter is ("1.1: 8,00 + 1.2: 4,00")."""

    items: tuple[Any, ...]
    separator: str = ", "

    def text(self) -> str:
        return self.separator.join(str(_as_shown(item)) for item in self.items)


def _as_shown(value: Any) -> Any:
    """A parameter as the sentence shows it. Whole numbers (rows, counts, years) are left alone:
    with thousands separators off site-wide, they read the same in both languages."""
    if isinstance(value, Message | Listing):
        return value.text()
    if isinstance(value, Decimal | float):
        # Without translations (the commands) there is no active language: English separators.
        return formats.number_format(value)
    return value


class Problems:
    """The problems found in one file: all are counted, the first MAX_REPORTED are kept."""

    def __init__(self, limit: int = MAX_REPORTED):
        self.limit = limit
        self.count = 0
        self._kept: list[Message] = []

    def add(self, message: Message) -> None:
        self.count += 1
        if len(self._kept) < self.limit:
            self._kept.append(message)

    def extend(self, messages) -> None:
        for message in messages:
            self.add(message)

    def __bool__(self) -> bool:
        return self.count > 0

    def __len__(self) -> int:
        return self.count

    def __iter__(self) -> Iterator[Message]:
        return iter(self._kept)

    def listed(self) -> list[Message]:
        """What is shown: the kept problems, then "and N more" if some were left out."""
        if self.count > len(self._kept):
            return [*self._kept, Message("more_problems", {"count": self.count - len(self._kept)})]
        return list(self._kept)


class Refused(Exception):
    """A change was refused; nothing was written. `problems` says why, as messages."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
