"""The Atom feed of publications and corrections: one entry per lifecycle event (publish,
reopen for correction) of every edition that is published now, in the reader's language.

An edition reopened and not yet published again is not public, so neither are its events; they
appear once it is republished, with the reason of its correction; a reopening's entry links the
corrections log, which lists what the correction changed.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from scoring.models import Edition, EditionEvent

LIMIT = 50


class PublicationsFeed(Feed):
    feed_type = Atom1Feed

    def title(self) -> str:
        return _("PAR Index: publications and corrections")

    def subtitle(self) -> str:
        return _(
            "Each edition of the PAR Index when it is published, and each correction: when an "
            "edition was reopened and why."
        )

    def link(self) -> str:
        return reverse("public:home")

    def feed_url(self) -> str:
        return reverse("public:feed")

    def author_name(self) -> str:
        return _("Ministry of Home Affairs")

    def items(self):
        return (
            EditionEvent.objects.filter(edition__status=Edition.Status.PUBLISHED)
            .select_related("edition")
            .order_by("-at", "-id")[:LIMIT]
        )

    def item_title(self, event: EditionEvent) -> str:
        values = {"year": event.edition.year, "level": event.edition.get_level_display()}
        if event.action == EditionEvent.Action.REOPEN:
            return _("PAR Index %(year)s: %(level)s reopened for correction") % values
        return _("PAR Index %(year)s: %(level)s published") % values

    def item_description(self, event: EditionEvent) -> str:
        edition = event.edition
        if event.action == EditionEvent.Action.REOPEN:
            text = _("Reason: %(reason)s") % {"reason": event.reason} if event.reason else ""
        else:
            text = _("The results and the ranking of this edition are published.")
        if edition.is_demo:
            text = f"{capfirst(_('illustrative demo data, not official results'))}. {text}"
        # Atom's summary is of type html: a reason that looks like markup is shown as written.
        return escape(text)

    def item_link(self, event: EditionEvent) -> str:
        if event.action == EditionEvent.Action.REOPEN:
            # What the correction changed is on the corrections log.
            return reverse("public:corrections")
        return reverse("public:ranking", args=[event.edition.year, event.edition.level])

    def item_guid(self, event: EditionEvent) -> str:
        # The ranking's address is shared by all events of an edition: the entry's own id.
        return f"urn:parindex:edition-event:{event.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, event: EditionEvent):
        return event.at

    def item_updateddate(self, event: EditionEvent):
        return event.at
