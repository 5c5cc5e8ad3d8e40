"""Response body of the terugblik."""

import datetime as dt

from pydantic import Field

from app.schemas import ApiModel


class Figure(ApiModel):
    key: str = Field(description="What the figure counts.", examples=["signalen-casusoverleg"])
    value: int | str = Field(description="The figure.", examples=[6])


class PillarLookBack(ApiModel):
    code: str = Field(description="The pillar's code.", examples=["p1"])
    title: str = Field(
        description="The pillar's title.",
        examples=["Het aanpakken van ondermijnende criminaliteit"],
    )
    figures: list[Figure] = Field(description="The figures behind the sentences.")
    sentences: list[str] = Field(
        description="The look-back's sentences for this pillar.",
        examples=[
            ["Er zijn zes nieuwe signalen van ondermijning besproken tijdens het casusoverleg."]
        ],
    )


class LookBack(ApiModel):
    plan: str = Field(description="The plan's code.", examples=["2023-2024"])
    starts_on: dt.date = Field(
        description="First day of the window.", alias="from", examples=["2023-01-01"]
    )
    ends_on: dt.date = Field(
        description="Last day of the window.", alias="to", examples=["2023-04-30"]
    )
    introduction: str = Field(
        description="The opening paragraph.",
        examples=["Over de eerste vier maanden van 2023 zijn de volgende resultaten te vermelden:"],
    )
    pillars: list[PillarLookBack] = Field(description="The look-back per pillar.")
