"""django-import-export Resources for the file kinds of docs/formats.md.

Each Resource validates the **whole** file in `check()` before anything is written: every problem
becomes one `row N, column C: ...` line. Only a clean file reaches `import_data`, which then
writes in one transaction through import-export's row machinery (skip_unchanged gives the
created / updated / unchanged counts and makes a re-import a no-op). The admin reuses the same
Resources, so the web import shows the same messages.
"""

from scoring.resources.base import FileResource, ImportRefused, RowProblem
from scoring.resources.methodology import MethodologyResource, create_edition
from scoring.resources.participants import ParticipantResource
from scoring.resources.published import PublishedResource
from scoring.resources.scores import ScoreResource, SurveyResource

RESOURCES: dict[str, type[FileResource]] = {
    resource.kind: resource
    for resource in (
        MethodologyResource,
        ParticipantResource,
        ScoreResource,
        SurveyResource,
        PublishedResource,
    )
}

__all__ = [
    "RESOURCES",
    "FileResource",
    "ImportRefused",
    "MethodologyResource",
    "ParticipantResource",
    "PublishedResource",
    "RowProblem",
    "ScoreResource",
    "SurveyResource",
    "create_edition",
]
