"""SIPAS sectors in the reader's language. A respondent file names the sector of the service in
Vietnamese, as the survey asks it; the English pages show the English name of the sectors the
ministry's survey uses (as a unit has name_vi and name_en), and any other text as written."""

import unicodedata

from django.utils import translation

# The sectors of the administrative services the survey covers, by their Vietnamese name.
ENGLISH = {
    "đất đai": "Land",
    "tư pháp": "Justice",
    "xây dựng": "Construction",
    "đầu tư": "Investment",
    "kế hoạch và đầu tư": "Planning and investment",
    "lao động, thương binh và xã hội": "Labour, invalids and social affairs",
    "giao thông vận tải": "Transport",
    "y tế": "Health",
    "giáo dục và đào tạo": "Education and training",
    "công thương": "Industry and trade",
    "tài nguyên và môi trường": "Natural resources and environment",
    "nông nghiệp và phát triển nông thôn": "Agriculture and rural development",
    "tài chính": "Finance",
    "nội vụ": "Home affairs",
    "văn hóa, thể thao và du lịch": "Culture, sports and tourism",
    "thông tin và truyền thông": "Information and communications",
    "khoa học và công nghệ": "Science and technology",
}


def sector_name(text: str) -> str:
    """The sector as the active language writes it: the text as written on Vietnamese pages, its
    English name on the others where it is one of ENGLISH."""
    if translation.get_language() == "vi":
        return text
    key = " ".join(unicodedata.normalize("NFC", text).lower().split())
    return ENGLISH.get(key, text)
