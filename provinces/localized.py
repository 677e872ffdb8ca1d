"""The Vietnamese or the English value of a `<field>_vi` / `<field>_en` pair, for the reader.

Vietnamese is the portal's first language and every `_vi` value is required; an `_en` value may be
empty (a criterion's English name is optional), so an English reader then sees the Vietnamese.
Works on model instances and on the dicts of precomputed rows alike.
"""

from collections.abc import Mapping
from typing import Any

from django.utils import translation


def english_is_active() -> bool:
    """True for "en" and its regional variants ("en-gb"); no active language means Vietnamese."""
    language = translation.get_language() or ""
    return language.lower().split("-")[0] == "en"


def localized(obj: Any, field: str) -> str:
    """`obj.<field>_en` when the active language is English and it is not empty, else
    `obj.<field>_vi`, e.g. `localized(unit, "name")`. A missing field is an error, not a blank."""
    if english_is_active():
        english = _get(obj, f"{field}_en")
        if english:
            return english
    return _get(obj, f"{field}_vi")


def _get(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, Mapping) else getattr(obj, name)
