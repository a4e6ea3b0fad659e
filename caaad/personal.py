"""Personal data the kit must never write down: people's mobile numbers, identity card numbers and e-mail
addresses (each identifies a natural person, so is personal information under PIPL Art 4). Evidence files are
checked for them (caaad/certify/evidence.py); text from the system under test is redacted before it enters
a run's results, so that results.json, junit.xml, report.md, report.html and the console never copy a
vendor's error page with a consumer's details into a CI log."""

import re

PERSONAL_DATA = (
    (re.compile(r"(?<!\d)\d{17}[\dXx](?![\dXx])"), "an identity card number"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "a mobile phone number"),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "an e-mail address"),
)
# A system's text the kit shortened ("…") may end in the first part of one: redact that part too.
_CUT_OFF = re.compile(r"((?<!\d)\d{7,17}|[\w.+-]+@[\w.-]*)(?=…)")
MAX_LINE = 600


def redact_personal_data(text: str) -> str:
    for pattern, what in PERSONAL_DATA:
        text = pattern.sub(f"[{what.split(' ', 1)[1]}]", text)
    return _CUT_OFF.sub("[cut off]", text)


def vendor_line(error: BaseException) -> str:
    """The one way text of the system under test (an exception the kit caught around it) enters the results:
    one line of at most MAX_LINE characters, personal data redacted (before shortening, so none is cut in two)."""
    text = redact_personal_data(str(error).strip().split("\nassert ")[0].replace("\n", " "))
    return text[:MAX_LINE] or type(error).__name__
