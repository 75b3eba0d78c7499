"""Errors name the field, the bad value and the fix; names get suggestions."""

import pytest

from treasurylab.data.names import match_name
from treasurylab.errors import BadInput, did_you_mean


def test_message_format():
    e = BadInput("must be >= 0", field="events[0].amount_bn", got=-5, fix="give a positive sale size",
                 where="x.yaml line 4")
    assert str(e) == "x.yaml line 4: events[0].amount_bn: must be >= 0 (got -5) - give a positive sale size"
    assert e.exit_code == 2


def test_did_you_mean():
    assert "did you mean 'japan'" in did_you_mean("japn", ["japan", "china"])
    assert "valid names" in did_you_mean("zzzz", ["japan", "china"])


@pytest.mark.parametrize("text,want", [
    ("china", "China, Mainland"),
    ("China, Mainland", "China, Mainland"),
    ("mainland china", "China, Mainland"),
    ("CHINA MAINLAND", "China, Mainland"),
    ("uk", "United Kingdom"),
    ("south korea", "Korea, South"),
    ("japan", "Japan"),
    # China's official name: it was 'unknown holder ... did you mean Korea, South?' (the alias of
    # 'republic of korea' was the nearest), while 'republic of korea' itself was matched
    ("People's Republic of China", "China, Mainland"),
    ("Peoples Republic of China", "China, Mainland"),
])
def test_match_country(text, want):
    choices = ["China, Mainland", "Japan", "United Kingdom", "Korea, South", "Taiwan", "Grand Total"]
    assert match_name(text, choices, "country") == want


def test_unknown_country_suggests():
    with pytest.raises(BadInput, match="did you mean 'Japan'"):
        match_name("Japna", ["Japan", "China, Mainland"], "country")


def test_message_stays_one_line_with_control_characters_in_names():
    from treasurylab.errors import BadInput

    msg = str(BadInput("unknown parameter", field="macro.\n", got="a\tb\u2028c", fix="drop it"))
    assert "\n" not in msg and "\t" not in msg and "\u2028" not in msg
    assert "macro.\\n" in msg
