"""HTTP endpoints of signals."""

from app.records.router import record_router
from app.signals.service import SIGNALS

router = record_router(
    SIGNALS,
    tag="Signalen",
    plural="Signals",
    singular="Signal",
    example={
        "partner": "politie",
        "externalId": "CO-2023-0007",
        "channel": "casusoverleg",
        "receivedOn": "2023-02-01",
        "discussedOn": "2023-02-14",
        "subjectKind": "bedrijf",
        "theme": "ondermijnende-bedrijvigheid",
        "kvkNumber": "12345678",
        "address": {
            "street": "Voorstraat",
            "houseNumber": "12",
            "postcode": "3311 AB",
            "city": "Dordrecht",
        },
        "neighbourhood": "Binnenstad",
        "description": "Opvallend veel contante betalingen bij een nieuw geopende zaak.",
    },
)
