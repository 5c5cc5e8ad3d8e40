"""The body of `GET /vocabularies`: every enum with its labels, every record type's workflow."""

from pydantic import Field

from app.schemas import ApiModel


class VocabularyValue(ApiModel):
    """One value of an enum, as a screen shows it."""

    value: str = Field(description="The value as the API sends and accepts it.", examples=["nieuw"])
    label: str = Field(description="The Dutch label to show for the value.", examples=["Nieuw"])
    description: str = Field(
        description="What the value means (Dutch).",
        examples=["Ontvangen, nog niet in behandeling genomen."],
    )


class Vocabulary(ApiModel):
    """One enum of the contract."""

    description: str = Field(
        description="What the enum is about.", examples=["Where a signal stands."]
    )
    values: list[VocabularyValue] = Field(description="Its values, in the contract's order.")


class Vocabularies(ApiModel):
    """Every enum of the contract and every record type's workflow (SPEC §4.3)."""

    enums: dict[str, Vocabulary] = Field(
        description="By the name of the enum's schema in the contract (`SignalStatus`): its "
        "values with their labels. The contract carries the same labels in `x-enum-labels`.",
    )
    workflows: dict[str, dict[str, list[str]]] = Field(
        description="By record resource (`signals`): per status, the statuses it may move to "
        "(`{from: [to, …]}`); a final status has an empty list.",
        examples=[{"signals": {"nieuw": ["afgesloten", "in-behandeling"], "afgesloten": []}}],
    )
