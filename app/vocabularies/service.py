"""The vocabularies, read from the labelled enums and the record types' declarations."""

from functools import cache

from app.records.registry import RECORD_TYPES
from app.vocabularies.labels import LABELLED_ENUMS
from app.vocabularies.schemas import Vocabularies, Vocabulary, VocabularyValue


@cache
def vocabularies() -> Vocabularies:
    """The same for every caller and every request: made once."""
    enums: dict[str, Vocabulary] = {}
    for enum in LABELLED_ENUMS:
        enum.check_labels()
        if enum.__name__ in enums:
            raise ValueError(f"two labelled enums are named {enum.__name__}")
        enums[enum.__name__] = Vocabulary(
            description=" ".join((enum.__doc__ or "").split()),
            values=[
                VocabularyValue(
                    value=member.value, label=member.label, description=member.description
                )
                for member in enum
            ],
        )
    workflows = {
        record_type.resource: {
            state: record_type.workflow.allowed_after(state)
            for state in record_type.workflow.states
        }
        for record_type in RECORD_TYPES
        if record_type.workflow is not None
    }
    return Vocabularies(enums=dict(sorted(enums.items())), workflows=workflows)
