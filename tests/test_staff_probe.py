"""The permission probe over HTTP (issue 16, "done when"): every address of the staff screens,
with the Django admin's index and one of its lists, asked with GET and POST by each role (nobody
signed in, an account without a role, an officer of Hà Nội, an officer of Hải Phòng, an
appraiser, an admin). A GET's query names Hà Nội too, as the filters and pickers take it.

Every path parameter names Hà Nội (its unit code, one of its scores, one of its evidence files),
so the Hải Phòng officer always asks about another unit. Each POST carries what its form would
need to write something (points, reasons, a stage move), so a role the stage rules refuse would
change rows if a view let it through. The edition is in appraisal or in review: an officer may then
change no points, no participant and no edition, an appraiser may write appraised points but
nothing on an admin's screen.

Asserted: nobody signed in is sent to the sign-in page (or refused), never shown a page; no
answer is ever a 500; an officer is never shown an admin's or an appraiser's screen, nor a page
about another unit, nor that unit's name anywhere; a POST by a role the rules refuse changes no
row (every column of the watched tables compared before and after).
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, reverse

from scoring.lifecycle import open_appraisal, open_review, open_self_assessment
from scoring.models import (
    Criterion,
    Edition,
    EditionEvent,
    EvidenceFile,
    Participant,
    Reply,
    Score,
    ScoreChange,
)
from scoring.submission import submit_self_assessment
from staff.models import AppraisalAssignment, AppraisalCheck
from staff.urls import urlpatterns
from tests.staff_fixtures import staff_user, verified_client

SIGN_IN = "/en/staff/login/"
# Signing out ends the probing session; the sign-in page is open to everyone by design.
NOT_PROBED = {"logout"}
OPEN_TO_ALL = {"login"}

# What an officer may open at all: their own unit's self-assessment, evidence, replies and
# history, and their account's pages. Every other staff screen is an appraiser's or an admin's.
OFFICER_SCREENS = {
    "home",
    "login",
    "second_factor",
    "second_factor_setup",
    "self_assessment",
    "self_assessment_totals",
    "submit_self_assessment",
    "evidence",
    "replies",
    "changes",
    "leaf_history",
    "bulk_download",
    "bulk_upload",
    "bulk_confirm",
    "keep_alive",
}
# The screens on which an appraiser writes (appraised points, a reply, a mark on a unit).
APPRAISER_WRITES = {"appraise_unit", "appraise_criterion", "appraisal_mark"}
# Screens that name a unit through their path: about Hà Nội for everyone here.
ABOUT_A_UNIT = {"unit_code", "score_id", "file_id"}

# The rows a forbidden POST must leave as they were, every column compared.
WATCHED = (
    Edition,
    EditionEvent,
    Participant,
    Score,
    ScoreChange,
    EvidenceFile,
    Reply,
    AppraisalAssignment,
    AppraisalCheck,
)


def snapshot() -> dict[str, list[tuple]]:
    return {model.__name__: list(model.objects.order_by("pk").values_list()) for model in WATCHED}


@dataclass
class Address:
    name: str
    url: str
    post: dict
    about_unit: bool


def staff_addresses(edition: Edition, hanoi: Participant) -> list[Address]:
    """Every staff URL pattern, its parameters filled with Hà Nội's, and a POST body for it."""
    score = hanoi.scores.get(criterion__code="1.1")
    first = edition.criteria.get(code="1.1", method=Criterion.Method.SELF)
    values = {
        "edition_id": edition.pk,
        "unit_code": hanoi.unit.code,
        "score_id": score.pk,
        "file_id": score.evidence_files.get().pk,
        "code": "1.1",
        "what": "done",
    }
    appraisal = {
        "action": "save",
        f"leaf-{first.pk}-points": "0",
        f"leaf-{first.pk}-reason": "probe",
        f"leaf-{first.pk}-version": str(score.version),
        f"leaf-{first.pk}-shown_points": str(score.appraised_points),
        f"leaf-{first.pk}-shown_reason": score.appraisal_reason,
        f"unit-{hanoi.pk}-points": "0",
        f"unit-{hanoi.pk}-reason": "probe",
        f"unit-{hanoi.pk}-version": str(score.version),
        f"unit-{hanoi.pk}-shown_points": str(score.appraised_points),
        f"unit-{hanoi.pk}-shown_reason": score.appraisal_reason,
    }
    bodies = {
        "self_assessment": {"action": "save", f"points-{first.pk}": "1", "edition": edition.pk},
        "self_assessment_totals": {f"points-{first.pk}": "1", "edition": edition.pk},
        "submit_self_assessment": {"confirm": "yes", "edition": edition.pk},
        "appraise_unit": appraisal,
        "appraise_criterion": appraisal,
        "replies": {"score": score.pk, "text": "probe"},
        "move": {"action": "open_review" if edition.status == "appraisal" else "publish"},
        "give_back": {"reason": "probe"},
        "reopen": {"reason": "probe", "units": [hanoi.unit.code]},
        "step_back": {"reason": "probe", "stage": edition.status},
        "deadlines": {"deadline-appraisal_deadline": "2031-01-31"},
        "evidence_rule": {"evidence_rule": "refuse"},
        "extension": {"extended_until": "2031-01-31"},
        "assignments": {f"cell-{hanoi.pk}-1": ""},
    }
    addresses = []
    for pattern in urlpatterns:
        assert isinstance(pattern, URLPattern)
        if pattern.name in NOT_PROBED:
            continue
        parameters = set(pattern.pattern.converters)
        url = "/en" + reverse(
            f"staff:{pattern.name}", kwargs={key: values[key] for key in parameters}
        ).removeprefix("/en")
        addresses.append(
            Address(
                pattern.name,
                url,
                bodies.get(pattern.name, {"reason": "probe"}),
                bool(parameters & ABOUT_A_UNIT),
            )
        )
    addresses += [
        Address("admin_index", "/admin/", {}, False),
        Address(
            "admin_changelist",
            "/admin/scoring/participant/",
            {"action": "delete_selected", "_selected_action": [hanoi.pk], "post": "yes"},
            False,
        ),
    ]
    return addresses


@pytest.fixture
def edition(scored_provinces, settings, tmp_path) -> Edition:
    """The scored provinces in appraisal, Hà Nội submitted with one evidence file on 1.1."""
    settings.EVIDENCE_ROOT = tmp_path
    edition = open_self_assessment(scored_provinces, user=None)
    hanoi = edition.participants.get(unit__code="01")
    EvidenceFile.objects.create(
        score=hanoi.scores.get(criterion__code="1.1"),
        file=ContentFile(b"%PDF-1.4 probe\n", name="probe.pdf"),
        name="probe.pdf",
        content_type="application/pdf",
    )
    submit_self_assessment(hanoi, user=None)
    return open_appraisal(edition, user=None)


def signed_in(role: str, edition: Edition) -> Client:
    client = Client()
    units = {p.unit.code: p.unit for p in edition.participants.select_related("unit")}
    user = {
        "anonymous": lambda: None,
        "no_role": lambda: get_user_model().objects.create_user("no-role"),
        "officer_a": lambda: staff_user("unit_officer", unit=units["01"]),
        "officer_b": lambda: staff_user("unit_officer", unit=units["31"]),
        "appraiser": lambda: staff_user("appraiser"),
        "admin": lambda: staff_user("admin"),
    }[role]()
    return client if user is None else verified_client(client, user)


@dataclass
class Answer:
    address: Address
    method: str
    status: int
    location: str
    text: str  # of a page; empty for a file
    changed: bool  # whether a watched row changed

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.address.url}"


def probe(client: Client, edition: Edition) -> list[Answer]:
    """Every address asked with GET, its query naming Hà Nội too (as filters and pickers take
    it), and with POST."""
    hanoi = edition.participants.get(unit__code="01")
    query = {"edition": edition.pk, "unit": hanoi.unit.pk, "code": "1.1"}
    seen = []
    for address in staff_addresses(Edition.objects.get(pk=edition.pk), hanoi):
        for method in ("get", "post"):
            before = snapshot() if method == "post" else None
            # The admin's lists take no such query: an unknown filter is sent back to ?e=1.
            asked = query if address.url.startswith("/en/staff/") else {}
            data = address.post if method == "post" else asked
            response = getattr(client, method)(address.url, data)
            text = ""
            if response.streaming:  # an evidence file: read to the end, which closes it
                b"".join(response.streaming_content)
            elif response.get("Content-Type", "").startswith(("text/", "application/json")):
                text = response.content.decode()
            changed = method == "post" and snapshot() != before
            location = response.get("Location", "")
            seen.append(Answer(address, method, response.status_code, location, text, changed))
    return seen


def server_errors(seen: list[Answer]) -> list[str]:
    return [str(answer) for answer in seen if answer.status >= 500]


def shown(seen: list[Answer], which) -> list[str]:
    return [str(answer) for answer in seen if answer.status == 200 and which(answer.address)]


def changed_by(seen: list[Answer], which) -> list[str]:
    return [str(answer) for answer in seen if answer.changed and which(answer.address)]


@pytest.mark.parametrize("role", ["anonymous", "no_role"])
def test_nobody_signed_in_nor_an_account_without_a_role_is_shown_a_staff_page(edition, role):
    seen = probe(signed_in(role, edition), edition)

    assert server_errors(seen) == []
    assert shown(seen, lambda address: address.name not in OPEN_TO_ALL) == []
    assert changed_by(seen, lambda address: True) == []
    sent_elsewhere = [
        f"{answer} -> {answer.status} {answer.location}"
        for answer in seen
        if answer.address.name not in OPEN_TO_ALL
        and not (
            answer.status in (403, 404, 405)
            or (answer.status == 302 and answer.location.startswith((SIGN_IN, "/admin/login/")))
        )
    ]
    assert sent_elsewhere == []


@pytest.mark.parametrize("stage", ["appraisal", "review"])
@pytest.mark.parametrize("role", ["officer_a", "officer_b"])
def test_an_officer_sees_no_other_unit_no_other_roles_screen_and_changes_nothing(
    edition, role, stage
):
    if stage == "review":
        edition = open_review(edition, user=None)
    seen = probe(signed_in(role, edition), edition)

    assert server_errors(seen) == []
    assert shown(seen, lambda address: address.name not in OFFICER_SCREENS) == []
    if role == "officer_b":
        assert shown(seen, lambda address: address.about_unit) == []
        # Nor does any page it is shown, whatever the query asked, name Hà Nội.
        assert [str(a) for a in seen if "Ha Noi" in a.text or "Hà Nội" in a.text] == []
    # No stage lets an officer change points, a participant or an edition from these posts
    # (in review the Hà Nội officer may reply: a reply row, watched for Hải Phòng's officer).
    watched = changed_by(seen, lambda address: True)
    if role == "officer_a" and stage == "review":
        assert watched == ["POST /en/staff/replies/"]
    else:
        assert watched == []


@pytest.mark.parametrize("stage", ["appraisal", "review"])
def test_an_appraiser_changes_nothing_on_an_admins_screen(edition, stage):
    if stage == "review":
        edition = open_review(edition, user=None)
    seen = probe(signed_in("appraiser", edition), edition)

    assert server_errors(seen) == []
    assert changed_by(seen, lambda address: address.name not in APPRAISER_WRITES) == []
    admins_only = {"admin_index", "admin_changelist"} | {
        pattern.name for pattern in urlpatterns if str(pattern.pattern).startswith("editions/")
    }
    assert shown(seen, lambda address: address.name in admins_only) == []
    # The probe's posts do write where an appraiser may: its bodies reach the writers.
    assert changed_by(seen, lambda address: address.name in APPRAISER_WRITES) != []


def test_an_admin_meets_no_server_error(edition):
    seen = probe(signed_in("admin", edition), edition)

    assert server_errors(seen) == []
    admin_pages = {"admin_index", "admin_changelist"}
    assert [a for a in shown(seen, lambda a: a.name in admin_pages) if a.startswith("GET")] == [
        "GET /admin/",
        "GET /admin/scoring/participant/",
    ]
