"""The case state machine (no Django imports): which transitions exist; anything else raises."""

NEW = "new"
TRIAGED = "triaged"
REFERRED = "referred"
IN_PROGRESS = "in_progress"
ANSWERED = "answered"
CLOSED = "closed"

STATES = (NEW, TRIAGED, REFERRED, IN_PROGRESS, ANSWERED, CLOSED)

# A referred case waits for its new holder to triage it; an answered case reopens when the
# requester or the holder needs another round; a closed case stays closed.
TRANSITIONS: dict[str, frozenset[str]] = {
    NEW: frozenset({TRIAGED, REFERRED, IN_PROGRESS, ANSWERED, CLOSED}),
    TRIAGED: frozenset({REFERRED, IN_PROGRESS, ANSWERED, CLOSED}),
    REFERRED: frozenset({TRIAGED, REFERRED, IN_PROGRESS, ANSWERED, CLOSED}),
    IN_PROGRESS: frozenset({REFERRED, ANSWERED, CLOSED}),
    ANSWERED: frozenset({IN_PROGRESS, CLOSED}),
    CLOSED: frozenset(),
}

# States in which the holder still owes the requester something (reminders, SLA timers).
WAITING_ON_HOLDER = frozenset({NEW, TRIAGED, REFERRED, IN_PROGRESS})
# States in which the requester may rate the answer.
RATEABLE = frozenset({ANSWERED, CLOSED})


class IllegalTransition(Exception):
    def __init__(self, from_state: str, to_state: str) -> None:
        super().__init__(f"{from_state} → {to_state} is not allowed")
        self.from_state = from_state
        self.to_state = to_state


def next_states(state: str) -> frozenset[str]:
    if state not in TRANSITIONS:
        raise IllegalTransition(state, "?")
    return TRANSITIONS[state]


def can_transition(from_state: str, to_state: str) -> bool:
    return to_state in TRANSITIONS.get(from_state, frozenset())


def check_transition(from_state: str, to_state: str) -> None:
    if not can_transition(from_state, to_state):
        raise IllegalTransition(from_state, to_state)
