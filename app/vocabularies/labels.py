"""`LabelledEnum`: a `StrEnum` whose members carry their Dutch label and description, declared
once beside the value; the contract (`x-enum-labels`) and `GET /vocabularies` both read them.

    class Channel(LabelledEnum):
        \"\"\"How a signal came in.\"\"\"

        CASUSOVERLEG = "casusoverleg", "Casusoverleg", "Ingebracht in het casusoverleg."
"""

from enum import StrEnum
from typing import Any, Self

from pydantic import GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

LABELS_EXTENSION = "x-enum-labels"
DESCRIPTIONS_EXTENSION = "x-enum-descriptions"

# Every labelled enum, in the order their modules were imported (the vocabularies' order).
LABELLED_ENUMS: list[type["LabelledEnum"]] = []


class LabelledEnum(StrEnum):
    """A string enum whose members are declared as `NAME = value, label, description`."""

    _value_: str
    label: str
    description: str

    def __new__(cls, value: str, label: str = "", description: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.description = description
        return member

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        LABELLED_ENUMS.append(cls)

    @classmethod
    def check_labels(cls) -> None:
        """Every value has a label and a description, and the enum its docstring."""
        missing = [member.value for member in cls if not member.label or not member.description]
        if missing or not (cls.__doc__ or "").strip() or cls.__doc__ == LabelledEnum.__doc__:
            raise ValueError(f"{cls.__name__}: a docstring and labels for every value {missing}")

    @classmethod
    def labels(cls) -> dict[str, str]:
        return {member.value: member.label for member in cls}

    @classmethod
    def descriptions(cls) -> dict[str, str]:
        return {member.value: member.description for member in cls}

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        target = handler.resolve_ref_schema(schema)
        target[LABELS_EXTENSION] = cls.labels()
        target[DESCRIPTIONS_EXTENSION] = cls.descriptions()
        return schema
