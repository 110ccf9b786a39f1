"""Dutch identifier helpers: BSN 11-proef, IBAN MOD-97-10 and postcode (pure Python)."""

from __future__ import annotations

import pytest

from payroll_link.quality.nl import bsn_is_valid, iban_is_valid, postcode_is_valid

VALID_BSN = ["123456782", "249566758", "999999990", "10000021"]  # last: 8 digits, padded
INVALID_BSN = ["123456781", "000000000", "001234567", "12345678a", "1234567", "1234567890", "",
               None, " "]
VALID_IBAN = ["NL91ABNA0417164300", "NL86INGB0002445588", "NL20INGB0001234567",
              "nl91 abna 0417 1643 00", "DE89370400440532013000"]
INVALID_IBAN = ["NL92ABNA0417164300", "NL91ABNA041716430", "NL91-ABNA-0417164300", "", None,
                "1234567890"]
VALID_POSTCODE = ["1234AB", "1234 ab", "9999ZZ", "1000AA", " 7313 RT "]
INVALID_POSTCODE = ["0123AB", "1234SA", "1234 sd", "1234SS", "12345", "55461", "1234A",
                    "1234ABC", "", None]


@pytest.mark.parametrize("bsn", VALID_BSN)
def test_bsn_passing_the_11_proef_is_valid(bsn):
    assert bsn_is_valid(bsn)


@pytest.mark.parametrize("bsn", INVALID_BSN)
def test_bsn_failing_shape_prefix_or_11_proef_is_invalid(bsn):
    assert not bsn_is_valid(bsn)


@pytest.mark.parametrize("iban", VALID_IBAN)
def test_iban_with_right_check_digits_is_valid(iban):
    assert iban_is_valid(iban)


@pytest.mark.parametrize("iban", INVALID_IBAN)
def test_iban_with_wrong_check_digits_or_shape_is_invalid(iban):
    assert not iban_is_valid(iban)


@pytest.mark.parametrize("postcode", VALID_POSTCODE)
def test_dutch_postcode_is_valid_after_normalising(postcode):
    assert postcode_is_valid(postcode)


@pytest.mark.parametrize("postcode", INVALID_POSTCODE)
def test_postcode_with_never_issued_letters_or_wrong_form_is_invalid(postcode):
    assert not postcode_is_valid(postcode)


def test_simulator_defect_generators_fail_the_helpers():
    import random

    from simulators.nmbrs_sim import dutch

    rng = random.Random(7)
    assert not any(bsn_is_valid(dutch.make_invalid_bsn(rng)) for _ in range(200))
    assert not any(postcode_is_valid(dutch.make_bad_postcode(rng)) for _ in range(200))
    assert all(bsn_is_valid(dutch.make_bsn(rng)) for _ in range(200))
    assert all(iban_is_valid(dutch.make_iban(rng)[0]) for _ in range(200))
