"""Where uploaded evidence is kept: a private folder outside the static root (settings), served
only through the staff view that checks who may see the unit."""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class EvidenceStorage(FileSystemStorage):
    """settings.EVIDENCE_ROOT, read at each use so tests can point it elsewhere; no base URL, so
    a file has no public address."""

    @property
    def base_location(self):
        return settings.EVIDENCE_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


evidence_storage = EvidenceStorage()
