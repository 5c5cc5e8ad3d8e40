"""HTTP endpoints of campaigns."""

from app.campaigns.service import CAMPAIGNS
from app.records.router import record_router

router = record_router(
    CAMPAIGNS,
    tag="Campagnes",
    plural="Campaigns",
    singular="Campaign",
    example={
        "partner": "politie",
        "kind": "bewustwordingsbijeenkomst",
        "title": "Misbruik en ondermijning in vastgoed",
        "theme": "vastgoed",
        "audiences": ["woningcorporaties"],
        "startsOn": "2023-01-18",
        "organisations": ["Motus", "Trivire", "Woonbron"],
        "participants": 35,
    },
)
