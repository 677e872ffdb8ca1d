"""No two top-level classes or functions of the same name for different things (issue 18, item
6): a reader who meets `Figures` or `check` should not have to ask which module's one is meant."""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SKIPPED_DIRS = {".venv", "tests", "node_modules", "bench", "migrations", ".git"}
# Django's names for a management command and a model's options: every app has them.
FRAMEWORK = {"Command", "handle", "add_arguments", "Meta"}

EVIDENCE = "the same step of the self-assessment and the appraisal screens (to share: issue 18)"
PAGE_VIEW = "the view of its own page (URL names map to it)"
ALLOWED = {
    # The same thing under one name.
    "localized": "template filter wrapping provinces.localized.localized",
    "account_name": "template filter wrapping staff.privacy.account_name",
    "my_assignments": "inclusion tag wrapping staff.assignments.my_assignments",
    "ranking_chart": "template tag placing the chart that charts.results.ranking_chart draws",
    "search": "the search page's view of public.search.search",
    "leaf_history": "the page's view of staff.audit.timeline.leaf_history",
    "step_back": "the form's view of scoring.lifecycle.step_back",
    "preview": "the form's view of staff.moves.preview",
    "render": "called module-qualified: blank.render and downloads.render, each a file",
    "cache_key": "the chart and card views' keys, both responses.cache_key of their kind",
    # Views named after their page in different view modules.
    "edition": PAGE_VIEW,
    "editions": PAGE_VIEW,
    "home": PAGE_VIEW,
    "ranking": PAGE_VIEW,
    "regions": PAGE_VIEW,
    "unit": PAGE_VIEW,
    # The same step of two screens, each its own view's helper.
    "_autosaved": EVIDENCE,
    "_post": EVIDENCE,
    "_restore": EVIDENCE,
    "_unsaved_elsewhere": EVIDENCE,
    "_save": EVIDENCE,
    "_refreshed": EVIDENCE,
}


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if not SKIPPED_DIRS.intersection(parts):
            yield path.relative_to(ROOT).as_posix(), path.read_text(encoding="utf-8")


def collisions(modules) -> dict[str, list[str]]:
    """Each top-level class or function name defined in more than one module, with the modules."""
    found = defaultdict(list)
    for name, source in modules:
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                found[node.name].append(name)
    return {n: paths for n, paths in found.items() if len(paths) > 1 and n not in FRAMEWORK}


def test_no_name_means_two_things():
    unexplained = {n: p for n, p in collisions(_modules()).items() if n not in ALLOWED}
    assert unexplained == {}


def test_a_new_collision_is_found():
    modules = [
        ("a.py", "class Figures:\n    pass\n\ndef handle():\n    pass\n"),
        ("b.py", "def Figures():\n    pass\n\ndef handle():\n    pass\n"),
        ("c.py", "async def check():\n    pass\n"),
    ]
    assert collisions(modules) == {"Figures": ["a.py", "b.py"]}
