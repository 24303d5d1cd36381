"""Recovery passphrases: shape, randomness, loose retyping, and that they open the book."""

from __future__ import annotations

import re

import pytest

from app import recovery
from app.errors import WrongKeyError
from app.profile import Profile

_SYM = "[23456789ABCDEFGHJKMNPQRSTUVWXYZ]"
SHAPE = re.compile(rf"^{_SYM}{{4}}(-{_SYM}{{4}}){{5}}$")


def test_generated_passphrases_have_the_documented_shape_and_differ() -> None:
    seen = {recovery.generate() for _ in range(200)}
    assert len(seen) == 200
    for code in seen:
        assert SHAPE.match(code), code
        assert recovery.canonical(code) == code


def test_alphabet_has_no_look_alikes() -> None:
    for c in "01OIL":
        assert c not in recovery.ALPHABET
    assert len(set(recovery.ALPHABET)) == len(recovery.ALPHABET) == 31


def test_every_symbol_is_used() -> None:
    used = set("".join(recovery.generate() for _ in range(300)).replace("-", ""))
    assert used == set(recovery.ALPHABET)


@pytest.mark.parametrize("typed", [
    "abcd-efgh-jkmn-pqrs-tuvw-xyz2",
    "ABCD EFGH JKMN PQRS TUVW XYZ2",
    "ABCDEFGHJKMNPQRSTUVWXYZ2",
    "  abcd efgh-jkmn  pqrs_tuvw.xyz2 ",
    "ＡＢＣＤ－ＥＦＧＨ－ＪＫＭＮ－ＰＱＲＳ－ＴＵＶＷ－ＸＹＺ２",
    "ABCD\u30fcEFGH\u3000JKMN-PQRS-TUVW-XYZ2",
])
def test_loose_typing_maps_to_the_canonical_form(typed: str) -> None:
    assert recovery.canonical(typed) == "ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2"
    assert recovery.matches("ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2", typed)


@pytest.mark.parametrize("typed", [
    "",
    "ABCD-EFGH-JKMN-PQRS-TUVW-XYZ",      # one missing
    "ABCD-EFGH-JKMN-PQRS-TUVW-XYZ22",    # one too many
    "ABCD-EFGH-JKMN-PQRS-TUVW-XYZ0",     # 0 is not in the alphabet
    "ABCD-EFGH-JKMN-PQRS-TUVW-XYZO",     # nor O
    "ABCD-EFGH-JKMN-PQRS-TUVW-XYZ!",
    "あいうえ-EFGH-JKMN-PQRS-TUVW-XYZ2",
    "x" * 10_000,
])
def test_wrong_or_malformed_input_is_not_a_recovery_passphrase(typed: str) -> None:
    assert recovery.canonical(typed) is None
    assert not recovery.matches("ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2", typed)


def test_a_different_passphrase_does_not_match() -> None:
    assert not recovery.matches("ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2", "ABCD-EFGH-JKMN-PQRS-TUVW-XYZ3")


def test_candidates_try_what_was_typed_first_then_the_canonical_form() -> None:
    assert recovery.candidates("my own passphrase") == ["my own passphrase"]
    assert recovery.candidates("ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2") == [
        "ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2"]
    assert recovery.candidates("abcd efgh jkmn pqrs tuvw xyz2") == [
        "abcd efgh jkmn pqrs tuvw xyz2", "ABCD-EFGH-JKMN-PQRS-TUVW-XYZ2"]


def test_a_generated_recovery_passphrase_typed_loosely_opens_the_book(tmp_path) -> None:
    code = recovery.generate()
    profile = Profile(tmp_path / "profile")
    book = profile.create(passphrase="the owner's own words", recovery_passphrase=code)
    book.customers.create(name="田中 太郎")
    book.close()
    typed = code.lower().replace("-", " ")
    # The slot hashes exactly what it is given: typed loosely, it does not open as such...
    with pytest.raises(WrongKeyError):
        profile.unlock_key(typed)
    # ...but the helpers try its canonical form too.
    key = recovery.unlock_key_with(profile, typed)
    assert key == recovery.unlock_key_with(profile, "the owner's own words")
    with recovery.open_with(profile, typed) as reopened:
        assert reopened.customers.count() == 1


def test_helpers_refuse_a_wrong_passphrase(tmp_path) -> None:
    profile = Profile(tmp_path / "profile")
    profile.create(passphrase="the owner's own words",
                   recovery_passphrase=recovery.generate()).close()
    for typed in (recovery.generate().lower(),):
        with pytest.raises(WrongKeyError):
            recovery.open_with(profile, typed)
        with pytest.raises(WrongKeyError):
            recovery.unlock_key_with(profile, typed)
