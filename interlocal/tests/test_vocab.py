"""The Django vocabularies and the Django-free values they are built on never drift apart."""

from interlocal import vocab, vocab_core


def test_it_builds_the_stage_choices_on_the_django_free_values() -> None:
    assert [(m.name, m.value) for m in vocab.Stage] == [(m.name, m.value) for m in vocab_core.Stage]
    assert all(type(m.value) is str for m in vocab.Stage)
