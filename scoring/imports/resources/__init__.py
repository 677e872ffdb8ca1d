"""django-import-export Resources for the file kinds of docs/formats.md.

Each Resource checks the **whole** file in `check()` before anything is written: every problem
becomes a message at its row and column. Only a clean file reaches `import_data`, whose row loop
diffs the rows (the admin's preview) and whose `after_import` hands them to the kind's writer
(scoring/points.py, participation.py, methodology.py, summaries.py), which checks the domain
rules again, writes, and records its own audit rows.
"""

from scoring.imports.resources.base import FileResource, ImportRefused, RowProblem
from scoring.imports.resources.methodology import MethodologyResource
from scoring.imports.resources.participants import ParticipantResource
from scoring.imports.resources.published import PublishedResource
from scoring.imports.resources.record import AveragesResource, FieldFiguresResource
from scoring.imports.resources.scores import ScoreResource, SurveyResource

SCORING_KINDS: tuple[type[FileResource], ...] = (
    MethodologyResource,
    ParticipantResource,
    ScoreResource,
    SurveyResource,
    PublishedResource,
    AveragesResource,
    FieldFiguresResource,
)

__all__ = [
    "AveragesResource",
    "FieldFiguresResource",
    "SCORING_KINDS",
    "FileResource",
    "ImportRefused",
    "MethodologyResource",
    "ParticipantResource",
    "PublishedResource",
    "RowProblem",
    "ScoreResource",
    "SurveyResource",
]
