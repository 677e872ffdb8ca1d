"""Vietnamese alphabetical order for every list of names the portal shows (the survey's sectors,
the units of the comparison's picker, the map's table), the one collation of the portal.

Sorting by code point puts "đất đai" after "xây dựng" (đ is U+0111) and "ấ" after "z"; the
name-matching fold of provinces.names files "đ" under "d". The Vietnamese alphabet has its own
letters — a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y — compared first, then the
tones in the dictionary order (none, huyền, hỏi, ngã, sắc, nặng), then the text itself, so the
order is the same whatever the machine's locale.
"""

import unicodedata

# Letters with the marks that make them letters of their own, in order; f, j, w and z for
# borrowed words, in the Latin alphabet's places.
_LETTERS = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"  # each one code point (NFC)
_RANK = {letter: chr(0x100 + rank) for rank, letter in enumerate(_LETTERS)}
# Combining marks of a letter (kept, NFC composes them with it) and of a tone (weighed apart).
_LETTER_MARKS = "\u0306\u0302\u031b"  # breve, circumflex, horn
_TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}


def vietnamese(text: str) -> tuple[str, str, str]:
    """A sort key: letters by the Vietnamese alphabet, then tones, then the text as written.
    Spaces, digits and punctuation keep their code points, below every letter."""
    letters, tones = [], []
    for char in unicodedata.normalize("NFD", text.lower()):
        if char in _TONES:
            tones[-1:] = [_TONES[char]]
        elif unicodedata.combining(char) and char in _LETTER_MARKS and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + char)
        elif not unicodedata.combining(char):
            letters.append(char)
            tones.append("0")
    return (
        "".join(_RANK.get(letter, letter) for letter in letters),
        "".join(tones),
        unicodedata.normalize("NFC", text),
    )
