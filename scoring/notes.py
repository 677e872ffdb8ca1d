"""Numbered source notes, shared by the public and the SIPAS pages: each published figure of the
public record points to a note under its table that links the page(s) it was read on (or says
where, when no address was kept) and, where the sources disagree, says so. Figures read on the
same pages share one note."""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scoring.sources import SourcePart, parts


@dataclass
class SourceNote:
    number: int
    parts: list[SourcePart]
    disagreement: str = ""
    prefix: str = "source"

    @property
    def anchor(self) -> str:
        return f"{self.prefix}-{self.number}"

    @property
    def sites(self) -> list[tuple[SourcePart, str]]:
        """Each part with a short name for it: an address's host (news.gov.vn), else its text;
        where the note itself is not on the page (a printed profile)."""
        return [
            (part, urlsplit(part.url).hostname if part.url else part.text) for part in self.parts
        ]


@dataclass
class SourceNotes:
    """The notes of one list, numbered in the order the figures that cite them are shown; a page
    with two lists gives them two prefixes (the notes' anchors)."""

    prefix: str = "source"
    notes: list[SourceNote] = field(default_factory=list)
    _numbers: dict = field(default_factory=dict)

    def cite(self, source: str, disagreement: str = "") -> SourceNote | None:
        """The note of a figure with this source (a new one for a source not cited yet), or None
        for a figure without a source (computed, not read on a page)."""
        if not source and not disagreement:
            return None
        key = (source, disagreement)
        if key not in self._numbers:
            number = len(self.notes) + 1
            self.notes.append(SourceNote(number, parts(source), disagreement, self.prefix))
            self._numbers[key] = self.notes[-1]
        return self._numbers[key]

    def __bool__(self) -> bool:
        return bool(self.notes)
