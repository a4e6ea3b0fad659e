"""caaad/personal.py: what counts as personal data, and its redaction from the system's texts."""

import pytest

from caaad.personal import MAX_LINE, redact_personal_data, vendor_line


@pytest.mark.parametrize(("text", "redacted"), [
    ("call 13812345678, or +86 19912345678.", "call [mobile phone number], or +86 [mobile phone number]."),
    ("ID 11010519491231002X / 11010519491231002x / 110105194912310021", "ID [identity card number] / "
     "[identity card number] / [identity card number]"),
    ("to zhang.san+shop@mail.example.com.cn now", "to [e-mail address] now"),
    ("张三的手机13812345678已停机", "张三的手机[mobile phone number]已停机"),
    # not personal data: too short or too long for its kind, or no domain
    ("order 1381234567 / 138123456789 / 12812345678 / 1709251200000 / user@localhost",
     "order 1381234567 / 138123456789 / 12812345678 / 1709251200000 / user@localhost"),
    # shortened by the kit ("…"): the first part of a number or an address is redacted too
    ("'mobile 1381234…'", "'mobile [cut off]…'"),
    ("'mail zhang.san@exam…'", "'mail [cut off]…'"),
])
def test_personal_data_is_redacted_and_nothing_else(text, redacted):
    assert redact_personal_data(text) == redacted


def test_vendor_line_redacts_before_shortening():
    line = vendor_line(RuntimeError("x" * (MAX_LINE - 5) + " 13812345678\nmore"))
    assert len(line) == MAX_LINE and "1381" not in line and line.endswith(" [mob")
