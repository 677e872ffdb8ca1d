"""The staff screens, under /vi/staff/ and /en/staff/: each area keeps its own addresses."""

from staff.views import (
    accounts,
    appraisal,
    assignments,
    audit,
    bulk,
    by_criterion,
    editions,
    moves,
    self_assessment,
    sessions,
)

app_name = "staff"

urlpatterns = [
    *accounts.urlpatterns,
    *self_assessment.urlpatterns,
    *appraisal.urlpatterns,
    *editions.urlpatterns,
    *moves.urlpatterns,
    *audit.urlpatterns,
    *bulk.urlpatterns,
    *by_criterion.urlpatterns,
    *assignments.urlpatterns,
    *sessions.urlpatterns,
]
