"""What the management commands share."""

import functools

from django.utils import translation


def in_english(handle):
    """Run a command's handle() in English, whatever the locale.

    docs/formats.md defines what the commands print (`row N, column C: ...`) and outside tests
    parse it, so the messages translated for the web stay English on the command line. Both
    translation.override("en") and Django's no_translations give the English text; override is
    used because it says which language it means, leaves get_language() as "en" rather than None
    for any code that asks, and puts back the caller's language afterwards (in-process callers
    such as call_command in tests keep theirs).
    """

    @functools.wraps(handle)
    def wrapper(*args, **kwargs):
        with translation.override("en"):
            return handle(*args, **kwargs)

    return wrapper
