"""Status workflows as explicit transition tables; an invalid transition is a 409."""

from collections.abc import Mapping
from dataclasses import dataclass

from app.problems import Conflict


@dataclass(frozen=True)
class Workflow:
    transitions: Mapping[str, frozenset[str]]
    # Reaching one of these closes the record: the retention period counts from then.
    closing: frozenset[str]

    @property
    def initial(self) -> str:
        return next(iter(self.transitions))

    @property
    def states(self) -> list[str]:
        return list(self.transitions)

    def allowed_after(self, state: str) -> list[str]:
        return sorted(self.transitions.get(state, frozenset()))

    def check(self, current: str, new: str) -> None:
        if new == current:
            return
        if new not in self.transitions.get(current, frozenset()):
            allowed = self.allowed_after(current)
            raise Conflict(
                f"The status cannot change from `{current}` to `{new}`."
                + (f" Allowed: {', '.join(allowed)}." if allowed else " It is final."),
                currentStatus=current,
                allowedTransitions=allowed,
            )


def workflow(transitions: Mapping[str, set[str]], closing: set[str]) -> Workflow:
    return Workflow({k: frozenset(v) for k, v in transitions.items()}, frozenset(closing))
