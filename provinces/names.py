"""Year-aware lookup of a unit by code or name, in any spelling people write.

A code or name means a unit only together with a year: the units of year Y are those that exist
on 31 December of Y (codes were reused on 1/7/2025). Names match with or without diacritics, in
NFC or NFD, in any case, with extra spaces or punctuation, and with the usual prefixes ("TP.",
"Tỉnh", "Thành phố", "Bộ", "Ministry of") or aliases. Ambiguity and misses are errors with
suggestions, never guesses.
"""

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from provinces.models import Unit, year_end

_PREFIXES = (
    "thanh pho truc thuoc trung uong ",
    "thanh pho ",
    "tp ",
    "tinh ",
    "bo ",
    "ministry of ",
    "province of ",
    "city of ",
)
_SUFFIXES = (" city", " province", " ministry")

# Extra spellings, keyed by (level, code). Codes here are stable across 2025 for these names.
ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("province", "79"): ("HCM", "TP HCM", "TPHCM", "HCMC", "Sài Gòn", "Saigon", "Hồ Chí Minh"),
    ("province", "46"): ("TT Huế", "TT-Huế", "Thừa Thiên - Huế", "Thua Thien-Hue"),
    ("province", "77"): ("BR-VT", "BRVT", "Bà Rịa Vũng Tàu"),
    ("province", "01"): ("HN", "Hanoi"),
    ("province", "48"): ("Danang",),
    ("province", "92"): ("Cantho",),
    ("province", "31"): ("Haiphong",),
    ("province", "66"): ("Đắc Lắc", "Daklak", "Đắk Lắc"),
    ("province", "67"): ("Đắc Nông", "Daknong"),
    ("ministry", "BLDTBXH"): ("Bộ Lao động Thương binh và Xã hội", "Bộ LĐTBXH"),
    ("ministry", "BVHTTDL"): ("Bộ VHTTDL",),
    ("ministry", "BKHDT"): ("Bộ KHĐT", "Bộ KH&ĐT"),
    ("ministry", "BNNPTNT"): ("Bộ NN&PTNT", "Bộ NNPTNT"),
    ("ministry", "BGDDT"): ("Bộ GD&ĐT", "Bộ GDĐT"),
    ("ministry", "UBDT"): ("Ủy ban Dân tộc", "Uỷ ban Dân tộc"),
    ("ministry", "NHNN"): ("Ngân hàng Nhà nước",),
    ("ministry", "BGTVT"): ("Bộ GTVT",),
    ("ministry", "BTNMT"): ("Bộ TN&MT", "Bộ TNMT"),
    ("ministry", "BTTTT"): ("Bộ TT&TT", "Bộ TTTT"),
    # The ministries formed on 1/3/2025 (ministries_2025.csv).
    ("ministry", "BNNMT"): ("Bộ NN&MT", "Bộ NNMT"),
    ("ministry", "BKHCN"): ("Bộ KH&CN", "Bộ KHCN"),
    ("ministry", "BDTTG"): ("Bộ DT&TG", "Bộ DTTG"),
}


def normalize(text: str) -> str:
    """Lower-case ASCII words separated by single spaces: 'TP. Hồ Chí Minh' -> 'tp ho chi minh'."""
    text = unicodedata.normalize("NFD", str(text)).replace("\u0111", "d").replace("\u0110", "D")
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = text.replace("&", " ")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _core(key: str) -> str:
    for prefix in _PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            key = key[len(prefix) :]
            break
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
    return key


def _keys(text: str) -> set[str]:
    key = normalize(text)
    return {key, _core(key), key.replace(" ", ""), _core(key).replace(" ", "")} - {""}


def _code_key(text: str) -> str:
    text = str(text).strip().upper()
    # Spreadsheets drop the leading zero of province codes: 1 -> 01.
    if text.isdigit() and len(text) == 1:
        return text.zfill(2)
    if re.fullmatch(r"\d+\.0+", text):
        return text[:-2].zfill(2)
    return text


class UnitNotFound(ValueError):
    """The text names no unit of that year, or several: the message says which and suggests."""


class UnitResolver:
    """Resolves codes and names to the units of one level as of one year.

    Loads the level's units once, so resolving a whole file costs two queries.
    """

    def __init__(self, level: str, year: int):
        self.level = level
        self.year = year
        day = year_end(year)
        units = list(Unit.objects.filter(level=level).prefetch_related("former_names"))
        self._current = [unit for unit in units if unit.exists_on(day)]
        self._others = [unit for unit in units if not unit.exists_on(day)]
        self._by_code = {unit.code: unit for unit in self._current}
        self._by_name = self._index(self._current)
        self._others_by_name = self._index(self._others)
        self._others_by_code = defaultdict(list)
        for unit in self._others:
            self._others_by_code[unit.code].append(unit)

    def _index(self, units: Iterable[Unit]) -> dict[str, set[Unit]]:
        index: dict[str, set[Unit]] = defaultdict(set)
        for unit in units:
            spellings = [unit.name_vi, unit.name_en, unit.abbr_en]
            spellings += [
                name
                for former in unit.former_names.all()
                for name in (former.name_vi, former.name_en)
            ]
            spellings += ALIASES.get((unit.level, unit.code), ())
            for spelling in filter(None, spellings):
                for key in _keys(spelling):
                    index[key].add(unit)
        return index

    def resolve(self, text: str) -> Unit:
        raw = str(text).strip()
        if not raw:
            raise UnitNotFound(_("no unit given"))
        unit = self._by_code.get(_code_key(raw))
        if unit is not None:
            return unit
        found = self._lookup(self._by_name, raw)
        if len(found) == 1:
            return found.pop()
        if len(found) > 1:
            names = ", ".join(sorted(f"{u.name_vi_in(self.year)} ({u.code})" for u in found))
            raise UnitNotFound(
                # Translators: %(units)s lists the candidates, e.g. "Hà Nội (01), Hà Nam (35)".
                _('"%(text)s" is ambiguous in %(year)s: it could be %(units)s')
                % {"text": raw, "year": self.year, "units": names}
            )
        elsewhere = self._others_by_code.get(_code_key(raw)) or self._lookup(
            self._others_by_name, raw
        )
        if elsewhere:
            unit = sorted(elsewhere, key=lambda u: u.code)[0]
            raise UnitNotFound(
                # Translators: %(lifetime)s is empty or " (it existed until 31/12/2024)";
                # %(hint)s is empty or "; did you mean ...?".
                _('"%(text)s" (%(name)s, %(code)s) did not exist in %(year)s%(lifetime)s%(hint)s')
                % {
                    "text": raw,
                    "name": unit.name_vi,
                    "code": unit.code,
                    "year": self.year,
                    "lifetime": self._lifetime(unit),
                    "hint": self._successor_hint(unit),
                }
            )
        raise UnitNotFound(
            # Translators: %(suggestions)s is " (did you mean: ...?)" or
            # " (expected a ... code or name)".
            _('unknown unit "%(text)s" for %(year)s%(suggestions)s')
            % {"text": raw, "year": self.year, "suggestions": self._suggestions(raw)}
        )

    @staticmethod
    def _lookup(index: dict[str, set[Unit]], raw: str) -> set[Unit]:
        found: set[Unit] = set()
        for key in _keys(raw):
            found |= index.get(key, set())
        return found

    @staticmethod
    def _lifetime(unit: Unit) -> str:
        if unit.valid_until:
            return " " + _("(it existed until %(date)s)") % {"date": f"{unit.valid_until:%d/%m/%Y}"}
        if unit.valid_from:
            return " " + _("(it exists from %(date)s)") % {"date": f"{unit.valid_from:%d/%m/%Y}"}
        return ""

    def _successor_hint(self, unit: Unit) -> str:
        successor = unit.successor
        if successor and successor.exists_in(self.year):
            return "; " + _("did you mean %(name)s (%(code)s)?") % {
                "name": successor.name_vi,
                "code": successor.code,
            }
        return ""

    def _suggestions(self, raw: str) -> str:
        choices: dict[str, Unit] = {}
        for unit in self._current:
            names = [unit.name_vi, unit.name_en, *(f.name_vi for f in unit.former_names.all())]
            for name in names:
                choices.setdefault(_core(normalize(name)), unit)
        close = difflib.get_close_matches(_core(normalize(raw)), list(choices), n=6, cutoff=0.6)
        units = list(dict.fromkeys(choices[key] for key in close))[:3]
        if not units:
            # Translators: %(level)s is province or ministry (not translated).
            return " " + _("(expected a %(level)s code or name)") % {"level": self.level}
        names = ", ".join(f"{unit.name_vi_in(self.year)} ({unit.code})" for unit in units)
        # Translators: %(units)s lists close names, e.g. "Hà Nội (01), Hà Nam (35)".
        return " " + _("(did you mean: %(units)s?)") % {"units": names}
