"""Log lines as key=value pairs, one event per line, readable by people and by log collectors.

`audit_log` is what the writers call for the events an operator must be able to trace: every
import, publish and stage change, on the "parindex.audit" logger.

    from runtime.logs import audit_log
    audit_log("import", kind="scores", file=filename, sha256=digest, created=3, problems=0)

Values are quoted when they hold a space, a quote or an equals sign, so a line splits back into
its fields; never pass a secret (a password, a token, a whole request body).
"""

import logging

# The logger keeps the project's name: LOGGING and the log collectors select the lines by it.
audit = logging.getLogger("parindex.audit")


def _value(value: object) -> str:
    text = str(value)
    if text == "" or any(character in text for character in ' "=\n\t'):
        escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{escaped}"'
    return text


def fields(**values: object) -> str:
    """`key=value key="a value"` in the order given; a field whose value is None is left out."""
    return " ".join(f"{key}={_value(value)}" for key, value in values.items() if value is not None)


def audit_log(event: str, **values: object) -> None:
    """One line on "parindex.audit": event=<event> and the fields given."""
    audit.info(fields(event=event, **values))
