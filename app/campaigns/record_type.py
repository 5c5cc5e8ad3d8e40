"""The campaign record type, declared once: the pillar default rule and its dates."""

from typing import Any

from sqlmodel import Session

from app.campaigns.models import Campaign
from app.campaigns.schemas import INTERNAL_AUDIENCES, CampaignInput, CampaignQuery, CampaignRead
from app.problems import InvalidParam
from app.records.kind import Counting, Filters, RecordApi, RecordType, Search, on_or_after


def default_pillar(document: dict[str, Any]) -> None:
    """`p2` (weerbare overheid) when every audience is internal, else `p3` (maatschappij)."""
    if document.get("pillar") is not None:
        return
    audiences = document.get("audiences")
    internal = (
        isinstance(audiences, list)
        and bool(audiences)
        and all(isinstance(a, str) and a in INTERNAL_AUDIENCES for a in audiences)
    )
    document["pillar"] = "p2" if internal else "p3"


def check_campaign(_session: Session, campaign: Any) -> list[InvalidParam]:
    return on_or_after("endsOn", campaign.ends_on, campaign.starts_on, "startsOn")


CAMPAIGNS = RecordType(
    resource="campaigns",
    singular="campaign",
    label="campaign",
    model=Campaign,
    input_schema=CampaignInput,
    output_schema=CampaignRead,
    query_schema=CampaignQuery,
    prefix="CA",
    date_field="starts_on",
    derive=default_pillar,
    check=check_campaign,
    filters=Filters(
        any_of={"kind": "kind", "pillar": "pillar"}, any_in_list={"audience": "audiences"}
    ),
    counting=Counting(
        date_fields={"startsOn": "starts_on"},
        group_fields={"kind": "kind", "pillar": "pillar"},
        list_fields={"audiences": "audiences"},
        grouped_lists=frozenset({"audiences"}),
        sum_fields={"participants": "participants"},
        reported_sums=("participants",),
    ),
    personal_data=("title", "organisations", "description"),
    search=Search(fields=("title", "description")),
    api=RecordApi(
        tag="Campagnes",
        tag_description="Communication campaigns and awareness sessions.",
        plural="Campaigns",
        singular="Campaign",
        example={
            "partner": "politie",
            "kind": "bewustwordingsbijeenkomst",
            "title": "Misbruik en ondermijning in vastgoed",
            "theme": "vastgoed",
            "audiences": ["woningcorporaties"],
            "startsOn": "2023-01-18",
            "organisations": ["Motus"],
            "participants": 35,
        },
    ),
)
