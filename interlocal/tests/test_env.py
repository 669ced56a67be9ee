import pytest

from interlocal.env import EnvError, env_bool, env_int, env_list, env_str


def test_it_reads_booleans_and_rejects_nonsense() -> None:
    assert env_bool("X", False, environ={"X": "yes"}) is True
    assert env_bool("X", True, environ={"X": "0"}) is False
    assert env_bool("X", True, environ={}) is True
    with pytest.raises(EnvError, match="X='maybe' is not a boolean"):
        env_bool("X", False, environ={"X": "maybe"})


def test_it_reads_integers_lists_and_required_strings() -> None:
    assert env_int("N", 3, environ={"N": "42"}) == 42
    with pytest.raises(EnvError, match="whole number"):
        env_int("N", 3, environ={"N": "4.2"})
    assert env_list("H", [], environ={"H": "a.org, b.org,"}) == ["a.org", "b.org"]
    with pytest.raises(EnvError, match="SECRET must be set"):
        env_str("SECRET", environ={})
