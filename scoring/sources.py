"""Where a published figure was read (docs/formats.md, `source`): one or more web addresses
separated by " ; ", or a short text where no address was kept.

A page links every address of a source, so an address must be one a browser may follow from the
portal (http or https); anything that looks like another scheme (`javascript:`, `data:`) is
refused rather than kept as text, and so is a source that says nothing.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_noop

from files.problems import Message, register
from files.texts import text_problem

SEPARATOR = " ; "
LIMIT = 4000
PART_LIMIT = 1000
# "scheme:" at the start of a part, as a browser would read it ("Note: ..." stays text).
_SCHEME = re.compile(r"^\s*([a-zA-Z][a-zA-Z0-9+.\-]*):(?!\s)")
_ADDRESS_SCHEMES = ("http", "https")
_validate_address = URLValidator(schemes=list(_ADDRESS_SCHEMES))

register(
    source_required=gettext_noop(
        "a source is required: the address of the page the figure was read on, or a short text"
    ),
    source_bad_address=gettext_noop(
        '"%(part)s" is neither a web address (http:// or https://) nor a text saying where the '
        "figure was read"
    ),
    source_empty_part=gettext_noop(
        "the source has an empty part between two ' ; ' (addresses are separated by ' ; ')"
    ),
)


@dataclass(frozen=True)
class SourcePart:
    """One address (`url` set) or one text of a source."""

    text: str
    url: str | None


def parts(source: str) -> list[SourcePart]:
    """The source's addresses and texts in the order given; what pages link and footnote."""
    found = []
    for part in source.split(SEPARATOR.strip()):
        part = part.strip()
        if not part:
            continue
        match = _SCHEME.match(part)
        is_address = match is not None and match.group(1).lower() in _ADDRESS_SCHEMES
        found.append(SourcePart(part, part if is_address else None))
    return found


def source_addresses(source: str) -> list[str]:
    return [part.url for part in parts(source) if part.url]


def source_problem(source: str, *, required: bool = True) -> Message | None:
    """Why the text is not a source, or None."""
    problem = text_problem(source, LIMIT)
    if problem is not None:
        return problem
    if not source.strip():
        return Message("source_required") if required else None
    pieces = [piece.strip() for piece in source.split(SEPARATOR.strip())]
    if any(not piece for piece in pieces):
        return Message("source_empty_part")
    for piece in pieces:
        shown = piece if len(piece) <= 80 else piece[:77] + "..."
        if len(piece) > PART_LIMIT:
            return Message("text_too_long", {"length": len(piece), "limit": PART_LIMIT})
        match = _SCHEME.match(piece)
        if match is not None:
            if match.group(1).lower() not in _ADDRESS_SCHEMES:
                return Message("source_bad_address", {"part": shown})
            try:
                _validate_address(piece)
            except ValidationError:
                return Message("source_bad_address", {"part": shown})
        elif not any(character.isalpha() for character in piece):
            return Message("source_bad_address", {"part": shown})
    return None
