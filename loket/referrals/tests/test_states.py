import pytest

from loket.referrals import states


def test_every_state_has_a_transition_row():
    assert set(states.TRANSITIONS) == set(states.STATES)
    for targets in states.TRANSITIONS.values():
        assert targets <= set(states.STATES)


def test_closed_is_final():
    for target in states.STATES:
        with pytest.raises(states.IllegalTransition):
            states.check_transition(states.CLOSED, target)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (states.NEW, states.NEW),
        (states.ANSWERED, states.TRIAGED),
        (states.ANSWERED, states.REFERRED),
        (states.IN_PROGRESS, states.TRIAGED),
        (states.IN_PROGRESS, states.NEW),
        (states.TRIAGED, states.NEW),
        ("bogus", states.CLOSED),
    ],
)
def test_illegal_transitions_raise(source, target):
    assert not states.can_transition(source, target)
    with pytest.raises(states.IllegalTransition):
        states.check_transition(source, target)


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (states.NEW, states.TRIAGED),
        (states.TRIAGED, states.REFERRED),
        (states.REFERRED, states.TRIAGED),
        (states.IN_PROGRESS, states.ANSWERED),
        (states.ANSWERED, states.CLOSED),
        (states.ANSWERED, states.IN_PROGRESS),
    ],
)
def test_legal_transitions_pass(source, target):
    states.check_transition(source, target)


def test_unknown_state_has_no_next_states():
    with pytest.raises(states.IllegalTransition):
        states.next_states("bogus")
