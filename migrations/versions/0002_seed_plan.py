"""Seed the reference data of SPEC §3: the 2023-2024 plan, its pillars and indicators.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 16:00:00
"""

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Table shapes as of this revision; the models may change later, this migration may not.
plans = sa.table(
    "plans",
    sa.column("id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("title", sa.String),
    sa.column("starts_on", sa.Date),
    sa.column("ends_on", sa.Date),
)
pillars = sa.table(
    "pillars",
    sa.column("id", sa.Integer),
    sa.column("plan_id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("title", sa.String),
    sa.column("position", sa.Integer),
)
themes = sa.table("themes", sa.column("code", sa.String), sa.column("title", sa.String))
partners = sa.table("partners", sa.column("code", sa.String), sa.column("name", sa.String))
indicators = sa.table(
    "indicators",
    sa.column("plan_id", sa.Integer),
    sa.column("pillar_id", sa.Integer),
    sa.column("code", sa.String),
    sa.column("theme", sa.String),
    sa.column("title", sa.String),
    sa.column("kind", sa.String),
    sa.column("target_value", sa.Integer),
    sa.column("target_per", sa.String),
    sa.column("count_resource", sa.String),
    sa.column("count_filters", sa.JSON),
    sa.column("count_field", sa.String),
    sa.column("position", sa.Integer),
)

PLAN_CODE = "2023-2024"

THEMES = [
    ("drugs", "Drugs"),
    ("mensenhandel-prostitutie", "Mensenhandel en prostitutie"),
    ("ondermijnende-bedrijvigheid", "Ondermijnende bedrijvigheid"),
    ("bedrijventerreinen", "Bedrijventerreinen"),
    ("binnenstad", "Binnenstad"),
    ("zorgfraude", "Zorgfraude"),
    ("vastgoed", "Vastgoed"),
    ("witwassen", "Witwassen"),
]

PARTNERS = [
    ("gemeente", "Gemeente"),
    ("politie", "Politie"),
    ("om", "Openbaar Ministerie"),
    ("sdd", "Sociale Dienst Drechtsteden"),
    ("ozhz", "Omgevingsdienst Zuid-Holland Zuid"),
    ("riec", "Regionaal Informatie- en Expertisecentrum (RIEC)"),
    ("mma", "Meld Misdaad Anoniem"),
]

PILLARS = [
    ("p1", "Het aanpakken van ondermijnende criminaliteit"),
    ("p2", "Het versterken van een weerbare overheid"),
    ("p3", "Het versterken van de maatschappelijke weerbaarheid"),
]

# code, pillar, theme, kind, target (value, per), counting rule (resource, filters)
INDICATORS = [
    (
        "p1-integrale-controles",
        "p1",
        "ondermijnende-bedrijvigheid",
        "count",
        "Integrale bedrijvencontroles",
        (10, "year"),
        ("inspections", {"kind": ["integrale-controle"]}),
    ),
    (
        "p1-controles-seksbranche",
        "p1",
        "mensenhandel-prostitutie",
        "count",
        "Controles in de seksbranche",
        None,
        ("inspections", {"kind": ["seksbranche-controle"]}),
    ),
    (
        "p1-controles-bedrijventerreinen",
        "p1",
        "bedrijventerreinen",
        "count",
        "Controles van garageboxen en bedrijfsverzamelgebouwen",
        None,
        ("inspections", {"kind": ["garagebox-controle", "bedrijfsverzamelgebouw-controle"]}),
    ),
    (
        "p1-drugsacties",
        "p1",
        "drugs",
        "count",
        "Wijkgerichte drugsgerelateerde acties",
        (4, "plan"),
        ("inspections", {"kind": ["wijkgerichte-drugsactie"]}),
    ),
    (
        "p1-beeld-mensenhandel",
        "p1",
        "mensenhandel-prostitutie",
        "milestone",
        "Compleet beeld van signalen en casuïstiek van mensenhandel",
        None,
        None,
    ),
    (
        "p1-dor-uitrol",
        "p1",
        "bedrijventerreinen",
        "milestone",
        "DOR uitgerold, alle opkopers geïnformeerd",
        None,
        None,
    ),
    (
        "p1-verkenning-binnenstad",
        "p1",
        "binnenstad",
        "milestone",
        "Verkenning van ondermijning in de binnenstad",
        None,
        None,
    ),
    (
        "p1-riec-zorgfraude",
        "p1",
        "zorgfraude",
        "milestone",
        "Aansluiten bij het verkennend onderzoek van het RIEC naar zorgfraude",
        None,
        None,
    ),
    ("p1-henneptrain", "p1", "drugs", "milestone", "Voortzetten van de henneptrain", None, None),
    (
        "p1-crimescript-cocaine",
        "p1",
        "drugs",
        "milestone",
        "Uitrollen van het crimescript cocaïne",
        None,
        None,
    ),
    (
        "p2-bewustwordingstrainingen",
        "p2",
        None,
        "count",
        "Bewustwordingstrainingen voor handhaving en wijkmanagers",
        (2, "plan"),
        (
            "campaigns",
            {"kind": ["bewustwordingstraining"], "audiences": ["handhaving", "wijkmanagers"]},
        ),
    ),
    (
        "p2-apv-ondermijningsproof",
        "p2",
        None,
        "milestone",
        "APV ondermijningsproof gemaakt",
        None,
        None,
    ),
    (
        "p3-communicatiecampagnes",
        "p3",
        None,
        "count",
        "Communicatiecampagnes voor burgers en ondernemers",
        (3, "plan"),
        ("campaigns", {"kind": ["communicatiecampagne"]}),
    ),
    (
        "p3-sdd-weerbaarheid",
        "p3",
        None,
        "milestone",
        "Verkenning inzet dienstverlening SDD voor weerbaarheid van inwoners",
        None,
        None,
    ),
]


def upgrade() -> None:
    bind = op.get_bind()
    op.bulk_insert(themes, [{"code": code, "title": title} for code, title in THEMES])
    op.bulk_insert(partners, [{"code": code, "name": name} for code, name in PARTNERS])
    op.bulk_insert(
        plans,
        [
            {
                "code": PLAN_CODE,
                "title": "Uitvoeringsplan ondermijning 2023-2024",
                "starts_on": date(2023, 1, 1),
                "ends_on": date(2024, 12, 31),
            }
        ],
    )
    plan_id = bind.execute(sa.select(plans.c.id).where(plans.c.code == PLAN_CODE)).scalar_one()
    op.bulk_insert(
        pillars,
        [
            {"plan_id": plan_id, "code": code, "title": title, "position": position}
            for position, (code, title) in enumerate(PILLARS, start=1)
        ],
    )
    pillar_ids = dict(
        bind.execute(
            sa.select(pillars.c.code, pillars.c.id).where(pillars.c.plan_id == plan_id)
        ).all()
    )
    rows = []
    for position, (code, pillar, theme, kind, title, target, rule) in enumerate(
        INDICATORS, start=1
    ):
        rows.append(
            {
                "plan_id": plan_id,
                "pillar_id": pillar_ids[pillar],
                "code": code,
                "theme": theme,
                "title": title,
                "kind": kind,
                "target_value": target[0] if target else None,
                "target_per": target[1] if target else None,
                "count_resource": rule[0] if rule else None,
                "count_filters": rule[1] if rule else None,
                "count_field": None,
                "position": position,
            }
        )
    op.bulk_insert(indicators, rows)


def downgrade() -> None:
    bind = op.get_bind()
    plan_id = bind.execute(
        sa.select(plans.c.id).where(plans.c.code == PLAN_CODE)
    ).scalar_one_or_none()
    if plan_id is not None:
        op.execute(
            sa.text(
                "DELETE FROM milestone_updates WHERE indicator_id IN "
                "(SELECT id FROM indicators WHERE plan_id = :p)"
            ).bindparams(p=plan_id)
        )
        op.execute(indicators.delete().where(indicators.c.plan_id == plan_id))
        op.execute(pillars.delete().where(pillars.c.plan_id == plan_id))
        op.execute(plans.delete().where(plans.c.id == plan_id))
    op.execute(partners.delete().where(partners.c.code.in_([code for code, _ in PARTNERS])))
    op.execute(themes.delete().where(themes.c.code.in_([code for code, _ in THEMES])))
