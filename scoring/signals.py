"""What scoring tells other apps about the acts it records, without knowing who listens.

Each signal is sent inside the transaction of the act, after its rows are written: a receiver
that writes (staff's outbox of notifications) writes in the same transaction, so an act that is
refused or rolled back leaves nothing behind it either. Receivers must not do slow work here
(sending mail); they record what is to be done and leave it to the task worker.
"""

from django.dispatch import Signal

# An edition moved from one stage to the next (scoring.lifecycle): edition, action (an
# EditionEvent.Action), user.
stage_moved = Signal()

# An admin gave a submitted self-assessment back to its unit (scoring.submission): participant,
# user, reason.
self_assessment_returned = Signal()

# An edition was published (scoring.publish), its results stored and the data version bumped:
# edition.
edition_published = Signal()

# A reply was added to the thread of a score (scoring.replies): reply.
reply_added = Signal()
