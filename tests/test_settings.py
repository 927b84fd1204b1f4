"""Settings read once per build: mode, release list, the build day (Paris time), the PDF switches."""

from __future__ import annotations

import datetime as dt

import pytest

from course.corrections import CorrectionError
from course.settings import build_day, correction_settings, pdf_settings


def test_the_build_day_is_the_day_in_paris():
    assert build_day({"SOURCE_DATE_EPOCH": "1764631800"}) == dt.date(2025, 12, 2)  # 23:30 UTC on the 1st
    with pytest.raises(CorrectionError, match="SOURCE_DATE_EPOCH: 'demain' is not a number"):
        build_day({"SOURCE_DATE_EPOCH": "demain"})


def test_correction_settings_take_the_variable_over_the_file():
    settings = correction_settings({"corrections": {"mode": "release", "release": []}}, {"CORRECTIONS": "hide"},
                                   today=dt.date(2026, 1, 1))
    assert (settings.mode, settings.release, settings.today) == ("hide", [], dt.date(2026, 1, 1))
    assert correction_settings({}, {}).mode == "release"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"corrections": "hide"}, r"extra\.corrections: expected a mapping such as .* got str 'hide'"),
        ({"corrections": {"mdoe": "hide"}}, r"extra\.corrections: unknown key\(s\) \['mdoe'\]"),
        ({"corrections": {"mode": "visible"}}, r"unknown mode 'visible'"),
    ],
)
def test_bad_correction_settings_name_the_key(extra, message):
    with pytest.raises(CorrectionError, match=message):
        correction_settings(extra, {})


def test_pdf_settings():
    assert pdf_settings("build", {}).enabled and not pdf_settings("serve", {}).enabled
    assert pdf_settings("serve", {"PDF": "1"}).enabled and not pdf_settings("build", {"PDF": "0"}).enabled
    with pytest.raises(CorrectionError, match="PDF_EDITION: unknown edition 'prof'"):
        pdf_settings("build", {"PDF_EDITION": "prof"})
