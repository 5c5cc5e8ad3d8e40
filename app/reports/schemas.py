"""Response body of the terugblik."""

import datetime as dt

from pydantic import Field

from app.schemas import ApiModel


class Figure(ApiModel):
    key: str = Field(examples=["signalen-casusoverleg"])
    value: int | str = Field(examples=[6])


class PillarLookBack(ApiModel):
    code: str = Field(examples=["p1"])
    title: str = Field(examples=["Het aanpakken van ondermijnende criminaliteit"])
    figures: list[Figure]
    sentences: list[str] = Field(
        examples=[
            ["Er zijn zes nieuwe signalen van ondermijning besproken tijdens het casusoverleg."]
        ]
    )


class LookBack(ApiModel):
    plan: str = Field(examples=["2023-2024"])
    starts_on: dt.date = Field(alias="from", examples=["2023-01-01"])
    ends_on: dt.date = Field(alias="to", examples=["2023-04-30"])
    introduction: str = Field(
        examples=["Over de eerste vier maanden van 2023 zijn de volgende resultaten te vermelden:"]
    )
    pillars: list[PillarLookBack]
