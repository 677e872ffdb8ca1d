"""Publishing warms the caches of the edition it publishes, so that no reader pays a cold render
(issue 17: a PDF takes a second or more, a chart a few hundred milliseconds).

The task worker asks for every public address the edition has, in both languages, through the
whole request path (middleware included) as a reader at PORTAL_URL would, so each answer is
stored under exactly the key a reader's request looks up: the page cache keys on the scheme, the
host, the path and the canonical parameters. Worth doing only with a cache every web process
shares (Redis, the documented production setting): a process's own memory would keep the
worker's renders to itself. Hence WARM_CACHES, on by default only with both a shared cache and
PORTAL_URL.

The warming requests are not counted by the per-address limit of expensive renders (the marker
below is set in the WSGI environment, where no HTTP header can put it).
"""

import logging
from collections import Counter
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from public.datasets import TABLES, WHOLE_TABLES, has_leaves
from scoring.downloads import FORMATS
from scoring.models import Edition

logger = logging.getLogger(__name__)

WARMING = "parindex.warming"


def on_published(sender, *, edition: Edition, **_signal) -> None:
    """Receiver of scoring.signals.edition_published: the worker warms once the publish is
    committed (a rolled-back publish warms nothing)."""
    if settings.WARM_CACHES:
        transaction.on_commit(lambda: warm_edition.enqueue(edition.pk))


@task()
def warm_edition(edition_id: int) -> str:
    edition = Edition.objects.get(pk=edition_id)
    if not edition.is_published:
        return "not published"  # reopened meanwhile: its pages are not public
    outcomes = warm(edition_addresses(edition), base_url=settings.PORTAL_URL)
    summary = ", ".join(f"{status}: {count}" for status, count in sorted(outcomes.items()))
    logger.info("warmed edition=%s/%s %s", edition.year, edition.level, summary)
    return summary


def edition_addresses(edition: Edition) -> list[str]:
    """Every public address that shows the edition, in each language."""
    paths = []
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            paths += _edition_paths(edition)
    return paths


def _edition_paths(edition: Edition) -> list[str]:
    year, level = edition.year, edition.level
    paths = [
        reverse("public:home"),
        reverse("public:data"),
        reverse("public:ranking", args=[year, level]),
        reverse("public:chart_ranking", args=[year, level]),
        reverse("public:share_image", args=[year, level]),
        reverse("public:api_edition", args=[year, level]),
        reverse("public:chart_averages"),
    ]
    tables = [table for table in TABLES if table != "leaves" or has_leaves(edition)]
    for fmt in FORMATS:
        paths += [reverse("public:dataset", args=[year, level, table, fmt]) for table in tables]
        paths += [reverse("public:whole_dataset", args=[table, fmt]) for table in WHOLE_TABLES]
        paths.append(reverse("sipas_published", args=[fmt]))
    if not edition.summary_only:
        paths.append(reverse("public:methodology", args=[year, level]))
        for code in edition.fields().values_list("code", flat=True):
            paths.append(reverse("public:criterion", args=[year, level, code]))
            paths.append(reverse("public:chart_field", args=[year, level, code]))
    if level == "province":
        paths += [
            reverse("public:regions", args=[year]),
            reverse("public:chart_regions", args=[year]),
            reverse("public:map", args=[year]),
        ]
    for slug in edition.participants.values_list("unit__slug", flat=True):
        paths += [
            reverse("public:unit", args=[slug]),
            reverse("public:unit_pdf", args=[slug]),
            reverse("public:share_image", args=[slug]),
            reverse("public:chart_unit_history", args=[slug]),
        ]
        if not edition.summary_only:
            paths.append(reverse("public:chart_unit_fields", args=[slug, year, level]))
    return paths


def warm(paths: list[str], *, base_url: str) -> Counter:
    """Ask for each path as an anonymous reader of base_url; the answers' statuses counted."""
    site = urlsplit(base_url)
    client = Client(HTTP_HOST=site.netloc, **{WARMING: "1"})
    outcomes: Counter = Counter()
    for path in paths:
        response = client.get(path, secure=site.scheme == "https")
        outcomes[response.status_code] += 1
        # A reader's cookie (a language choice, a CSRF token) would make the next request a
        # personal one, which the page cache passes by.
        client.cookies.clear()
    return outcomes
