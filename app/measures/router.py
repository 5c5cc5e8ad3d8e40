"""HTTP endpoints of measures."""

from app.measures.service import MEASURES
from app.records.router import record_router

router = record_router(
    MEASURES,
    tag="Maatregelen",
    plural="Measures",
    singular="Measure",
    example={
        "partner": "politie",
        "externalId": "MR-2023-0031",
        "kind": "sluiting",
        "legalBasis": "opiumwet-13b",
        "drugCategory": "softdrugs",
        "theme": "drugs",
        "decidedOn": "2023-03-20",
        "durationMonths": 3,
        "status": "opgelegd",
    },
)
