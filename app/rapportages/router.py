"""HTTP endpoints of bestuurlijke rapportages."""

from app.rapportages.service import BESTUURLIJKE_RAPPORTAGES
from app.records.router import record_router

router = record_router(
    BESTUURLIJKE_RAPPORTAGES,
    tag="Bestuurlijke rapportages",
    plural="BestuurlijkeRapportages",
    singular="BestuurlijkeRapportage",
    example={
        "partner": "politie",
        "externalId": "BR-2023-0012",
        "theme": "drugs",
        "receivedOn": "2023-03-02",
        "drugCategory": "softdrugs",
        "address": {
            "street": "Spuiweg",
            "houseNumber": "3",
            "postcode": "3311 GT",
            "city": "Dordrecht",
        },
        "summary": "Hennepkwekerij aangetroffen in bedrijfspand.",
        "signalIds": [],
    },
)
