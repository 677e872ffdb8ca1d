"""Rules for text a person types into a name, a reason or a note."""

import re

from django.utils.translation import gettext_noop

from files.problems import Message, register

# PostgreSQL refuses NUL in text; other control characters are invisible damage. Tab and line
# breaks are fine in notes and reasons.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

register(
    text_too_long=gettext_noop(
        "the text is %(length)s characters long, more than the %(limit)s allowed"
    ),
    text_control_character=gettext_noop(
        "the text contains a control character (such as NUL), which is not allowed"
    ),
)


def text_problem(text: str, limit: int | None = None) -> Message | None:
    if limit is not None and len(text) > limit:
        return Message("text_too_long", {"length": len(text), "limit": limit})
    if _CONTROL.search(text):
        return Message("text_control_character")
    return None
