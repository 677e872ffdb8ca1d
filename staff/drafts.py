"""Unsaved drafts kept across a sign-in: a form posted after the session expired is not thrown
away. Its values (never its files, which a session cannot hold) are kept in the new anonymous
session under the page they were posted to; Django's login keeps that session's data, so after
signing in again the page shows them back as unsaved values, to be checked and saved by the person.

Who typed them is known from a signed token the form carries (OWNER_FIELD): the values come back
only to that same account, on the same page (same edition, same unit); anyone else who signs in
in that browser never sees them, and they are dropped.
"""

import json
from dataclasses import dataclass, field
from functools import wraps

from django.core import signing
from django.http import HttpRequest, QueryDict

OWNER_FIELD = "draft_owner"
OWNER_SALT = "staff.drafts.owner"
SESSION_KEY = "staff.unsaved_drafts"
# What a post carries besides the typed values: never kept.
_NOT_TYPED = frozenset({"csrfmiddlewaretoken", OWNER_FIELD, "action", "save_part", "autosave"})
# A page left open overnight still has its typed values kept; the token names an account only.
OWNER_MAX_AGE = 7 * 24 * 60 * 60
# A session row is no place for megabytes: a bigger post is not kept.
MAX_KEPT_CHARACTERS = 512 * 1024


@dataclass
class Restored:
    """The values typed before the session expired, and the file inputs that had a file."""

    data: QueryDict
    files: list[str] = field(default_factory=list)


def owner_token(user) -> str:
    return signing.dumps(user.pk, salt=OWNER_SALT)


def _owner(request: HttpRequest) -> int | None:
    try:
        return signing.loads(
            request.POST.get(OWNER_FIELD, ""), salt=OWNER_SALT, max_age=OWNER_MAX_AGE
        )
    except signing.BadSignature:
        return None


def _page_key(request: HttpRequest, page: str | None = None) -> str:
    """The page the values belong to, whatever the language prefix: the view (or the page named,
    for a view posted from another page), its arguments and the edition asked for."""
    match = request.resolver_match
    arguments = sorted(match.kwargs.items()) if match else []
    name = page or (match.view_name if match else request.path)
    return f"{name}|{arguments}|{request.GET.get('edition', '')}"


def _stash(request: HttpRequest, page: str | None) -> None:
    owner = _owner(request)
    if owner is None:
        return
    typed = {name: values for name, values in request.POST.lists() if name not in _NOT_TYPED}
    kept = request.session.get(SESSION_KEY, {})
    key = _page_key(request, page)
    earlier = kept.get(key)
    if earlier and earlier["owner"] == owner:
        # Several parts autosaved one after the other: all of them are kept.
        typed = {**earlier["data"], **typed}
    files = sorted(name for name, upload in request.FILES.items() if upload)
    entry = {"owner": owner, "data": typed, "files": files}
    if len(json.dumps(entry)) > MAX_KEPT_CHARACTERS:
        return
    kept[key] = entry
    request.session[SESSION_KEY] = kept


def keeps_drafts(page: str | None = None):
    """Outside staff.access.staff_required: a post that meets an expired session is kept before
    the sign-in redirect, for the view's own page or the page named (its view name)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if request.method == "POST" and not request.user.is_authenticated:
                _stash(request, page)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def take_drafts(request: HttpRequest) -> Restored | None:
    """The values kept for this page, once, if the signed-in user is the one who typed them;
    values kept for another user are dropped unseen."""
    kept = request.session.get(SESSION_KEY)
    if not kept or _page_key(request) not in kept:
        return None
    entry = kept.pop(_page_key(request))
    request.session[SESSION_KEY] = kept
    if entry["owner"] != request.user.pk:
        return None
    data = QueryDict(mutable=True)
    for name, values in entry["data"].items():
        data.setlist(name, values)
    return Restored(data, entry["files"])
