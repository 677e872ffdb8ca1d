"""The Content Security Policy (parindex/settings.py) allows styles and scripts only from the site's
own files, so anything inline is refused by the browser and the page shows without it. The site
keeps none: no style attribute, <style> block, <script> without src, on…= handler or javascript:
address in any template or in the HTML that Python code builds, and the policy says so on public
and staff pages alike."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "parindex",
    "provinces",
    "scoring",
    "surveys",
    "public",
    "staff",
    "files",
    "runtime",
    "charts",
)
# Attributes that hold an address a javascript: URL could hide in.
ADDRESSES = {"href", "src", "action", "formaction", "data", "xlink:href"}
# A <script> of these types is data the page reads, not code: the policy does not apply to it.
DATA_SCRIPTS = {"application/json", "application/ld+json"}
# Django comments say things, they render nothing.
_COMMENT = re.compile(r"{#.*?#}|{% comment %}.*?{% endcomment %}", re.S)


class _InlineCode(HTMLParser):
    """Collects (line, what) for each piece of inline style or script in an HTML text."""

    def __init__(self, first_line: int = 1):
        super().__init__(convert_charrefs=True)
        self.lines_before = first_line - 1  # not "offset": HTMLParser keeps its column there
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0] + self.lines_before
        for name, value in attrs:
            if name == "style":
                self.found.append((line, f"a style attribute on <{tag}>"))
            elif re.fullmatch(r"on[a-z]+", name):
                self.found.append((line, f"an {name}= handler on <{tag}>"))
            elif name in ADDRESSES and (value or "").strip().lower().startswith("javascript:"):
                self.found.append((line, f"a javascript: address in <{tag} {name}>"))
        attrs = dict(attrs)
        if tag == "style":
            self.found.append((line, "a <style> block"))
        if tag == "script" and not attrs.get("src") and attrs.get("type") not in DATA_SCRIPTS:
            self.found.append((line, "a <script> without src"))


def inline_code(text: str, first_line: int = 1) -> list[tuple[int, str]]:
    """Where `text` (HTML, maybe a Django template) holds inline style or script."""
    # Blanked, not removed: the lines after a comment keep their numbers.
    text = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    parser = _InlineCode(first_line)
    parser.feed(text)
    parser.close()
    return parser.found


def _templates() -> list[Path]:
    folders = [ROOT / "templates", *(ROOT / app / "templates" for app in APPS)]
    return sorted(p for folder in folders if folder.is_dir() for p in folder.rglob("*.html"))


def _modules() -> list[Path]:
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    )


def _html_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of each string literal in a module that looks like HTML, in line order; an
    f-string's placeholders are read as plain text."""
    tree = ast.parse(source)
    # An f-string's pieces are read once, as the whole f-string.
    pieces = {
        id(part)
        for node in ast.walk(tree)
        if isinstance(node, ast.JoinedStr)
        for part in node.values
    }
    found = []
    for node in ast.walk(tree):
        if id(node) in pieces:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                part.value if isinstance(part, ast.Constant) else "x" for part in node.values
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        if re.search(r"<[a-zA-Z]", text):
            found.append((node.lineno, text))
    return sorted(found)


def _where(path: Path, found: list[tuple[int, str]]) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{line}: {what}" for line, what in found]


def test_the_check_finds_each_kind_of_inline_style_and_script():
    text = (
        '<p style="color: red">\n'
        "<style>p { color: red }</style>\n"
        "<script>alert(1)</script>\n"
        '<button onclick="go()">\n'
        '<a href=" JavaScript:go()">\n'
        "{# <b style='x'> is only said #}\n"
        '<script src="/static/js/appraisal.js" defer></script>\n'
        '<script type="application/ld+json">{}</script>\n'
        '<textarea>&lt;iframe style="border:0"&gt;</textarea>\n'
        '<svg><rect fill="#08306b"/></svg>\n'
    )

    assert inline_code(text, first_line=10) == [
        (10, "a style attribute on <p>"),
        (11, "a <style> block"),
        (12, "a <script> without src"),
        (13, "an onclick= handler on <button>"),
        (14, "a javascript: address in <a href>"),
    ]


def test_the_check_reads_the_html_that_python_code_builds():
    source = (
        "from django.utils.html import format_html\n"
        "\n"
        "def tile(colour, name):\n"
        "    return format_html('<li style=\"background: {}\">{}</li>', colour, name)\n"
        "\n"
        "def link(url):\n"
        '    return f\'<a href="{url}" onclick="go()">go</a>\'\n'
    )

    found = [where for line, text in _html_strings(source) for where in inline_code(text, line)]

    assert found == [(4, "a style attribute on <li>"), (7, "an onclick= handler on <a>")]


def test_no_template_holds_inline_style_or_script():
    templates = _templates()
    offending = [
        where
        for path in templates
        for where in _where(path, inline_code(path.read_text(encoding="utf-8")))
    ]

    assert len(templates) > 100  # the folders are found
    assert offending == [], "the Content Security Policy refuses these:\n" + "\n".join(offending)


def test_no_python_module_builds_html_with_inline_style_or_script():
    offending = []
    for path in _modules():
        for line, text in _html_strings(path.read_text(encoding="utf-8")):
            offending += _where(path, inline_code(text, first_line=line))

    assert offending == [], "the Content Security Policy refuses these:\n" + "\n".join(offending)


def test_no_script_of_the_site_writes_inline_style_or_evaluates_text():
    scripts = sorted([*(ROOT / "static").rglob("*.js"), *ROOT.glob("*/static/**/*.js")])
    refused = re.compile(r"""\beval\(|new Function\(|setAttribute\(\s*['"](style|on\w+)['"]""")
    offending = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in scripts
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if refused.search(line)
    ]

    assert scripts
    assert offending == [], "the Content Security Policy refuses these:\n" + "\n".join(offending)


def _policy(response) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (
            directive.split()
            for directive in response.headers["Content-Security-Policy"].split(";")
        )
    }


@pytest.mark.parametrize(
    "path",
    [
        "/vi/",
        "/en/rankings/2019/province/",
        "/en/embed/ranking/2019/province/",
        "/vi/staff/login/",
    ],
)
def test_public_and_staff_pages_allow_styles_and_scripts_only_from_the_site(
    client, published, path
):
    response = client.get(path, secure=True)
    policy = _policy(response)

    assert response.status_code == 200
    assert policy["default-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    header = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header


def test_on_plain_http_the_policy_is_reported_not_enforced_unless_configured(
    client, published, settings
):
    enforced = client.get("/vi/", secure=True)
    reported = client.get("/vi/")
    settings.CSP_ENFORCE_ON_HTTP = True
    configured = client.get("/vi/")

    assert "Content-Security-Policy-Report-Only" not in enforced.headers
    assert "Content-Security-Policy" not in reported.headers
    policy = enforced.headers["Content-Security-Policy"]
    assert reported.headers["Content-Security-Policy-Report-Only"] == policy
    assert configured.headers["Content-Security-Policy"] == policy


def test_the_policy_leaves_embeds_free_to_be_framed_by_other_sites(client, published):
    embed = client.get("/en/embed/ranking/2019/province/", secure=True)

    assert "frame-ancestors" not in _policy(embed)
    assert "X-Frame-Options" not in embed.headers
    assert '<link rel="stylesheet" href="/static/css/embed.css">' in embed.text
