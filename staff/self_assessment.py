"""The self-assessment form: a unit officer's points, note and evidence per `self` leaf, read
from a post, checked, turned into the entries scoring.points.set_self_points writes, and the
refusals it answers put back beside their leaves. The page itself is
staff/views/self_assessment.py.

A sub-criterion holds several evidence addresses (one a line) and several files: each post may
add files (one input takes several) and remove any stored one. A file is kept only by a save that
succeeds and references it (issue 17: a refused post, another button or a save of another field
kept files nothing pointed at); otherwise the page names it to be chosen again, as a browser
cannot fill a file input back in.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.http import QueryDict
from django.utils import formats
from django.utils.datastructures import MultiValueDict

from files.problems import Refused
from scoring.models import Criterion, EvidenceFile, Participant, Score
from scoring.points import (
    SelfAssessment,
    StoredFile,
    addresses,
    addresses_problem,
    parse_points,
)
from scoring.tree import Tree
from staff.evidence import discard_all, evidence_problem, store_evidence


@dataclass
class SelfLeaf:
    """One leaf as the form shows it: stored values, or what was posted."""

    node: Criterion
    depth: int
    score: Score | None
    points: str = ""
    note: str = ""
    url: str = ""  # the evidence addresses, one a line
    version: int = 0
    files: list[EvidenceFile] = field(default_factory=list)
    remove: set[int] = field(default_factory=set)  # ids of stored files to remove
    uploads: list[StoredFile] = field(default_factory=list)  # stored for the save under way
    not_kept: list[str] = field(default_factory=list)  # names of files to choose again
    errors: dict[str, list[str]] = field(default_factory=dict)
    is_leaf: bool = True

    @property
    def is_self(self) -> bool:
        return self.node.method == Criterion.Method.SELF


@dataclass
class Heading:
    node: Criterion
    depth: int
    is_leaf: bool = False


def leaf_sections(participant: Participant, tree: Tree) -> list[dict]:
    """The tree as sections, one per field: its headings and leaf forms in tree order."""
    scores = {
        score.criterion_id: score
        for score in Score.objects.filter(participant=participant)
        .select_related("criterion")
        .prefetch_related("evidence_files")
    }
    sections = []
    for node in tree.nodes:
        depth = node.code.count(".")
        if depth == 0:
            sections.append({"node": node, "items": []})
        if tree.is_leaf(node):
            score = scores.get(node.pk)
            item = SelfLeaf(node=node, depth=depth, score=score)
            if score is not None:
                item.points = points_text(score.self_points)
                item.note, item.url, item.version = (
                    score.self_note,
                    score.evidence_url,
                    score.version,
                )
                item.files = score.evidence
            sections[-1]["items"].append(item)
        elif depth:
            sections[-1]["items"].append(Heading(node=node, depth=depth))
    return sections


def leaves_of(sections) -> list[SelfLeaf]:
    return [item for section in sections for item in section["items"] if item.is_leaf]


def read_post(data: QueryDict, leaves: list[SelfLeaf]) -> dict[int, Decimal | None]:
    """Puts the posted values into the leaf forms; returns the points that parse, by leaf."""
    parsed = {}
    for leaf in leaves:
        if not leaf.is_self:
            continue
        pk = leaf.node.pk
        if f"points-{pk}" not in data:
            # Not in this form (a leaf added since it was shown): left as stored.
            parsed[pk] = leaf.score.self_points if leaf.score else None
            continue
        leaf.points = data.get(f"points-{pk}", "")
        leaf.note = data.get(f"note-{pk}", "")
        leaf.url = data.get(f"url-{pk}", "").strip()
        leaf.remove = {int(v) for v in data.getlist(f"remove-{pk}") if v.isdigit()}
        try:
            leaf.version = int(data.get(f"version-{pk}", ""))
        except ValueError:
            leaf.version = leaf.score.version if leaf.score else 0
        if leaf.url and (problem := addresses_problem(leaf.url)):
            leaf.errors.setdefault("url", []).append(problem.text())
        value, problem = parse_points(leaf.points, leaf.node.max_points)
        if problem:
            leaf.errors.setdefault("points", []).append(problem.text())
        else:
            parsed[pk] = value
    return parsed


def points_by_code(leaves: list[SelfLeaf], parsed: dict | None) -> dict[str, Decimal | None]:
    points = {}
    for leaf in leaves:
        if not leaf.is_self:
            points[leaf.node.code] = leaf.score.survey_points if leaf.score else None
        elif parsed is None:
            points[leaf.node.code] = leaf.score.self_points if leaf.score else None
        else:
            points[leaf.node.code] = parsed.get(leaf.node.pk)
    return points


def store_uploads(files: MultiValueDict, leaves: list[SelfLeaf], participant: Participant) -> None:
    """The files posted for the leaves about to be saved, checked and stored for the writer to
    reference (set_aside_uploads names those posted for the other leaves, unstored)."""
    for leaf in leaves:
        if not leaf.is_self:
            continue
        # One at a time: each accepted file is stored before the next is measured against the
        # unit's quota.
        for upload in files.getlist(f"file-{leaf.node.pk}"):
            problem = evidence_problem(upload, participant)
            if problem:
                leaf.errors.setdefault("file", []).append(problem.text())
            else:
                leaf.uploads.append(store_evidence(upload, participant))


def set_aside_uploads(files: MultiValueDict, leaves: list[SelfLeaf]) -> None:
    """The files posted for leaves this post does not save: named, to be chosen again."""
    for leaf in leaves:
        if leaf.is_self:
            leaf.not_kept += [upload.name for upload in files.getlist(f"file-{leaf.node.pk}")]


def discard_uploads(leaves: list[SelfLeaf]) -> None:
    """The files stored for a save that was refused: removed, and named to be chosen again."""
    for leaf in leaves:
        discard_all(leaf.uploads)
        leaf.not_kept += [stored.original_name for stored in leaf.uploads]
        leaf.uploads = []


def entries_of(leaves: list[SelfLeaf], parsed: dict, participant: Participant) -> list:
    """Entries for the leaves whose posted values differ from the stored ones."""
    entries = []
    for leaf in leaves:
        if not leaf.is_self:
            continue
        score = leaf.score
        stored = (
            score.self_points if score else None,
            score.self_note if score else "",
            score.evidence_url if score else "",
        )
        posted = (parsed.get(leaf.node.pk), leaf.note, "\n".join(addresses(leaf.url)))
        added = tuple(leaf.uploads)
        removed = frozenset(leaf.remove & {item.pk for item in leaf.files})
        if posted == stored and not added and not removed:
            continue
        entries.append(
            SelfAssessment(
                participant,
                leaf.node,
                points=posted[0],
                evidence_url=posted[2],
                note=leaf.note,
                add_files=added,
                remove_files=removed,
                version=leaf.version,
            )
        )
    return entries


def place_refusal(refusal: Refused, leaves: list[SelfLeaf], participant: Participant) -> list[str]:
    """Puts each message about one leaf beside it; returns those about the whole form."""
    by_code = {leaf.node.code: leaf for leaf in leaves}
    general = []
    current = {
        score.criterion_id: score.version for score in Score.objects.filter(participant=participant)
    }
    for problem in refusal.problems:
        leaf = by_code.get(problem.params.get("code")) if problem.params else None
        if leaf is None:
            general.append(problem.text())
            continue
        key = "conflict" if problem.code == "changed_meanwhile" else "points"
        leaf.errors.setdefault(key, []).append(problem.text())
        if problem.code == "changed_meanwhile":
            # The person has now seen the other's value: saving again is their decision.
            leaf.version = current.get(leaf.node.pk, 0)
    return general


def points_text(value: Decimal | None) -> str:
    """Points as this page writes them in the reader's language (7,50 in Vietnamese), which
    parse_points reads back."""
    return "" if value is None else formats.number_format(value, 2)


# The input each kind of message is about, for the error summary's links.
_ERROR_INPUTS = {"points": "points", "conflict": "points", "url": "url", "file": "file"}


def error_summary(leaves: list[SelfLeaf]) -> list[dict]:
    """One line per message beside a leaf, linking to the input it is about, in page order."""
    lines = []
    for leaf in leaves:
        for kind, texts in leaf.errors.items():
            anchor = f"{_ERROR_INPUTS.get(kind, 'points')}-{leaf.node.pk}"
            lines += [{"anchor": anchor, "code": leaf.node.code, "text": t} for t in texts]
    return lines


def part_progress(section: dict) -> tuple[int, int]:
    """(self leaves of a field with points in the form, self leaves of the field)."""
    own = [item for item in section["items"] if item.is_leaf and item.is_self]
    return sum(1 for leaf in own if leaf.points.strip()), len(own)


def in_part(leaves: list[SelfLeaf], part: str | None) -> list[SelfLeaf]:
    """The leaves of one field (all of them when no field is named)."""
    return [leaf for leaf in leaves if part is None or leaf.node.field_code == part]
