"""The terugblik of a council letter: figures per pillar counted in the database, and Dutch
sentences in the style of the letter, numbers in words."""

import calendar
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from num2words import num2words
from sqlalchemy import and_, case, func, literal, select, true
from sqlmodel import Session, col

from app.access.caller import Caller
from app.audit.service import audit_export
from app.campaigns.models import Campaign
from app.indicators.models import Indicator, MilestoneUpdate
from app.inspections.models import Inspection
from app.measures.models import Measure
from app.measures.record_type import MEASURES
from app.progress.counting import (
    counted,
    date_column,
    json_elements,
    json_list_has,
    rule_condition,
    time_expression,
    within_ceiling,
)
from app.progress.windows import MONTHS, Window
from app.rapportages.models import BestuurlijkeRapportage
from app.records.registry import BY_RESOURCE
from app.reference.models import Pillar, Plan, Theme
from app.reports.schemas import Figure, LookBack, PillarLookBack

# The confidentiality levels the reader may see; None: every level.
Levels = list[str] | None


@lru_cache(maxsize=4096)
def words(number: int) -> str:
    """A number in Dutch words in the Taalunie's spelling: 1 → één (standing alone, as the
    letter writes it), 24 → vierentwintig, 101 → honderdeen. num2words writes the accents of
    `één` inside compounds too (`honderdéén`), which the Taalunie does not. Kept per number:
    a look-back over two years writes a few hundred, mostly the same small ones, and
    num2words took a sixth of its time."""
    text = str(num2words(number, lang="nl"))
    if number == 1:
        return text
    return text.replace("éé", "ee")


def counted_noun(number: int, singular: str, plural: str) -> str:
    return f"{words(number)} {singular if number == 1 else plural}"


def capitalise(sentence: str) -> str:
    if sentence.startswith("één"):
        return "Eén" + sentence[3:]  # the Taalunie's spelling at the start of a sentence
    return sentence[:1].upper() + sentence[1:]


def join_words(parts: Sequence[str]) -> str:
    """`a`, `a en b`, `a, b en c`."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " en " + parts[-1]


# --------------------------------------------------------------------------- what is counted


@dataclass(frozen=True)
class CountFigure:
    """One figure counted by a rule, and its sentence in the singular and the plural."""

    key: str
    pillar: str
    resource: str
    filters: Mapping[str, Sequence[str]]
    singular: str
    plural: str
    date_field: str | None = None  # API name; default the resource's own date field


# Signals, rapportages, measures and inspections have no pillar of their own: they are the
# work of a plan's first pillar (by position: tackling the crime itself), whatever its code.
FIRST_PILLAR = "first"

COUNT_FIGURES = [
    CountFigure(
        key="signalen-casusoverleg",
        pillar=FIRST_PILLAR,
        resource="signals",
        # Discussed in the case meeting: dated by `discussedOn`, whatever the channel.
        filters={},
        date_field="discussedOn",
        singular="Er is {n} nieuw signaal van ondermijning besproken tijdens het casusoverleg.",
        plural="Er zijn {n} nieuwe signalen van ondermijning besproken tijdens het casusoverleg.",
    ),
    CountFigure(
        key="meldingen-meld-misdaad-anoniem",
        pillar=FIRST_PILLAR,
        resource="signals",
        # Tips received through Meld Misdaad Anoniem; one also discussed counts above too.
        filters={"channel": ["meld-misdaad-anoniem"]},
        singular="Er is {n} ondermijning gerelateerde melding binnengekomen via "
        "Meld Misdaad Anoniem.",
        plural="Er zijn {n} ondermijning gerelateerde meldingen binnengekomen via "
        "Meld Misdaad Anoniem.",
    ),
]

# Inspection kinds other than the integrale controle: (singular, plural) of "n … uitgevoerd".
INSPECTION_NOUNS = {
    "seksbranche-controle": ("controle in de seksbranche", "controles in de seksbranche"),
    "garagebox-controle": ("controle van garageboxen", "controles van garageboxen"),
    "bedrijfsverzamelgebouw-controle": (
        "controle van een bedrijfsverzamelgebouw",
        "controles van bedrijfsverzamelgebouwen",
    ),
    "wijkgerichte-drugsactie": ("wijkgerichte drugsactie", "wijkgerichte drugsacties"),
    "overig": ("andere controle", "andere controles"),
}

# Measure kinds: (singular, plural, past participle) of "… panden gesloten".
MEASURE_PHRASES = {
    "sluiting": ("pand", "panden", "gesloten"),
    "waarschuwing": ("waarschuwing", "waarschuwingen", "gegeven"),
    "last-onder-dwangsom": ("last onder dwangsom", "lasten onder dwangsom", "opgelegd"),
    "last-onder-bestuursdwang": (
        "last onder bestuursdwang",
        "lasten onder bestuursdwang",
        "opgelegd",
    ),
    "bibob-weigering": ("vergunning", "vergunningen", "geweigerd op grond van de Wet Bibob"),
    "bibob-intrekking": ("vergunning", "vergunningen", "ingetrokken op grond van de Wet Bibob"),
    "overig": ("andere maatregel", "andere maatregelen", "genomen"),
}
MEASURE_KEYS = {
    "sluiting": "sluitingen",
    "waarschuwing": "waarschuwingen",
    "last-onder-dwangsom": "lasten-onder-dwangsom",
    "last-onder-bestuursdwang": "lasten-onder-bestuursdwang",
    "bibob-weigering": "bibob-weigeringen",
    "bibob-intrekking": "bibob-intrekkingen",
    "overig": "overige-maatregelen",
}

# Campaign kinds: (singular, plural, past participle). Organisations are the organisers
# ("samen met Motus"); audiences are those the campaign was for, and at a meeting those who
# took part ("waarbij woningcorporaties deel hebben genomen").
CAMPAIGN_PHRASES = {
    "communicatiecampagne": ("communicatiecampagne", "communicatiecampagnes", "gevoerd"),
    "bewustwordingstraining": ("bewustwordingstraining", "bewustwordingstrainingen", "verzorgd"),
    "bewustwordingsbijeenkomst": (
        "bewustwordingsbijeenkomst",
        "bewustwordingsbijeenkomsten",
        "verzorgd",
    ),
}
# Kinds whose audiences took part (a meeting) rather than were addressed.
CAMPAIGNS_TAKEN_PART_IN = frozenset({"bewustwordingsbijeenkomst"})
AUDIENCES = {
    "burgers": "burgers",
    "ondernemers": "ondernemers",
    "ambtenaren": "ambtenaren",
    "handhaving": "handhaving",
    "wijkmanagers": "wijkmanagers",
    "woningcorporaties": "woningcorporaties",
    "overig": "andere doelgroepen",
}
MILESTONE_VERBS = {
    "gestart": "gestart",
    "afgerond": "afgerond",
    "niet-gestart": "(nog) niet gestart",
}


@dataclass
class PillarText:
    figures: list[Figure] = field(default_factory=list)
    sentences: list[str] = field(default_factory=list)

    def figure(self, key: str, value: int | str) -> None:
        self.figures.append(Figure(key=key, value=value))


# --------------------------------------------------------------------------- composing


def introduction(window: Window) -> str:
    """`Over de eerste vier maanden van 2023 …` where the window is a calendar stretch."""
    start, end = window.starts_on, window.ends_on
    assert start is not None
    assert end is not None
    suffix = "zijn de volgende resultaten te vermelden:"
    month_end = end.day == calendar.monthrange(end.year, end.month)[1]
    if start.day == 1 and month_end and start.year == end.year:
        months = end.month - start.month + 1
        if start.month == 1 and months == 12:
            return f"Over {start.year} {suffix}"
        if months == 1:
            return f"Over {MONTHS[start.month - 1]} {start.year} {suffix}"
        if months == 3 and start.month % 3 == 1:
            ordinal = num2words((start.month + 2) // 3, lang="nl", to="ordinal")
            return f"Over het {ordinal} kwartaal van {start.year} {suffix}"
        if start.month == 1:
            return f"Over de eerste {words(months)} maanden van {start.year} {suffix}"
    return f"Over de periode van {long_date(start)} tot en met {long_date(end)} {suffix}"


def long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def month_phrase(month: str, window: Window) -> str:
    """`maart`, or `maart 2024` when the window spans more than one year."""
    year, number = (int(part) for part in month.split("-"))
    assert window.starts_on is not None
    assert window.ends_on is not None
    name = MONTHS[number - 1]
    return name if window.starts_on.year == window.ends_on.year else f"{name} {year}"


def _in_window(column: Any, window: Window) -> list[Any]:
    return [column >= window.starts_on, column <= window.ends_on]


def _in_reach(model: Any, column: Any, window: Window, levels: Levels) -> list[Any]:
    """Records of `model` dated in the window that the reader may see (its ceiling)."""
    return [*_in_window(column, window), within_ceiling(model, levels)]


def _count_figures(
    session: Session, window: Window, levels: Levels, texts: dict[str, PillarText]
) -> None:
    dialect = session.get_bind().dialect.name
    for figure in COUNT_FIGURES:
        record_type = BY_RESOURCE[figure.resource]
        day = date_column(record_type, figure.date_field)
        number = session.scalar(
            select(func.count())
            .select_from(record_type.model)
            .where(
                rule_condition(record_type, figure.filters, dialect),
                *_in_reach(record_type.model, day, window, levels),
            )
        )
        number = int(number or 0)
        text = texts[figure.pillar]
        text.figure(figure.key, number)
        if number:
            template = figure.singular if number == 1 else figure.plural
            text.sentences.append(template.format(n=words(number)))


def _inspections(session: Session, window: Window, levels: Levels, text: PillarText) -> list[str]:
    """The integrale controles with businesses and sectors; other kinds come after the
    rapportages, as in the letter."""
    rows = session.execute(
        select(
            col(Inspection.kind),
            func.count(),
            func.coalesce(func.sum(Inspection.businesses_inspected), 0),
        )
        .where(*_in_reach(Inspection, col(Inspection.occurred_on), window, levels))
        .group_by(col(Inspection.kind))
        .order_by(col(Inspection.kind))
    ).all()
    by_kind = {kind: (int(number), int(businesses)) for kind, number, businesses in rows}
    days, businesses = by_kind.pop("integrale-controle", (0, 0))
    text.figure("integrale-controles", days)
    text.figure("integrale-controles-bedrijven", businesses)
    if days:
        if days == 1:
            sentence = "Er heeft één integrale controledag plaatsgevonden"
        else:
            sentence = f"Er hebben {words(days)} integrale controledagen plaatsgevonden"
        if businesses:
            verb = "is" if businesses == 1 else "zijn"
            noun = counted_noun(businesses, "bedrijf", "bedrijven")
            sentence += f" waarbij {noun} {verb} gecontroleerd"
        text.sentences.append(sentence + ".")
        sectors = session.execute(
            select(col(Inspection.sector), func.count())
            .where(
                col(Inspection.kind) == "integrale-controle",
                col(Inspection.sector).is_not(None),
                *_in_reach(Inspection, col(Inspection.occurred_on), window, levels),
            )
            .group_by(col(Inspection.sector))
            .order_by(func.count().desc(), col(Inspection.sector))
        ).all()
        for sector, number in sectors:
            number = int(number)
            text.figure(f"integrale-controles-sector-{sector}", number)
            if days == 1:
                text.sentences.append(f"De controledag was gericht op de {sector}.")
            else:
                verb = "was" if number == 1 else "waren"
                text.sentences.append(
                    capitalise(
                        f"{words(number)} van de {words(days)} controledagen {verb} gericht "
                        f"op de {sector}."
                    )
                )
    later = []
    for kind, (number, _businesses) in by_kind.items():
        text.figure(f"inspecties-{kind}", number)
        singular, plural = INSPECTION_NOUNS.get(kind, ("controle", "controles"))
        verb = "is" if number == 1 else "zijn"
        later.append(f"Er {verb} {counted_noun(number, singular, plural)} uitgevoerd.")
    return later


def _measure_part(kind: str, by_category: list[tuple[str | None, int]]) -> tuple[str, str]:
    """(verb, phrase): ("zijn", "vier (softdrugs) en twee (harddrugs) panden gesloten")."""
    singular, plural, participle = MEASURE_PHRASES.get(
        kind, ("maatregel", "maatregelen", "genomen")
    )
    total = sum(number for _category, number in by_category)
    amounts = [
        f"{words(number)} ({category})" if category else words(number)
        for category, number in by_category
    ]
    noun = singular if total == 1 else plural
    return ("is" if total == 1 else "zijn"), f"{join_words(amounts)} {noun} {participle}"


def _measures_sentence(parts: list[tuple[str, str]]) -> str:
    """`is één pand gesloten, één waarschuwing gegeven en zijn twee lasten … opgelegd`: the
    verb is said again only where it changes."""
    phrases = []
    previous = None
    for verb, phrase in parts:
        phrases.append(phrase if verb == previous else f"{verb} {phrase}")
        previous = verb
    return join_words(phrases)


# How a measure relates to the rapportages of the window: it followed one received in the
# window, one received outside it, or none (that the reader may see).
FOLLOWED_IN_WINDOW = "in-window"
FOLLOWED_OUTSIDE = "outside-window"
NOT_FOLLOWED = "none"
FOLLOW_KEYS = {FOLLOWED_IN_WINDOW: "", FOLLOWED_OUTSIDE: "-eerdere-rapportage"}


def _rapportages(session: Session, window: Window, levels: Levels, text: PillarText) -> None:
    """Per theme: the rapportages received and the measures that followed them, the measures
    that followed rapportages received outside the window, then the theme's measures that
    followed no rapportage. Every sentence names its theme."""
    themes = dict(session.execute(select(col(Theme.code), col(Theme.title))).all())
    received = dict(
        session.execute(
            select(col(BestuurlijkeRapportage.theme), func.count())
            .where(
                *_in_reach(
                    BestuurlijkeRapportage,
                    col(BestuurlijkeRapportage.received_on),
                    window,
                    levels,
                )
            )
            .group_by(col(BestuurlijkeRapportage.theme))
        ).all()
    )
    # A measure's theme is its own, or else that of the rapportage it followed.
    theme = func.coalesce(col(Measure.theme), col(BestuurlijkeRapportage.theme))
    received_on = col(BestuurlijkeRapportage.received_on)
    follows = case(
        (col(BestuurlijkeRapportage.id).is_(None), literal(NOT_FOLLOWED)),
        (
            and_(received_on >= window.starts_on, received_on <= window.ends_on),
            literal(FOLLOWED_IN_WINDOW),
        ),
        else_=literal(FOLLOWED_OUTSIDE),
    )
    in_reach = [counted(MEASURES), *_in_reach(Measure, col(Measure.decided_on), window, levels)]
    # Measures that name no rapportage are counted without the join, so that the join (a
    # lookup per linked measure) is only made for those that do.
    unlinked = session.execute(
        select(
            col(Measure.theme),
            literal(NOT_FOLLOWED),
            col(Measure.kind),
            col(Measure.drug_category),
            func.count(),
        )
        .where(col(Measure.rapportage_id).is_(None), *in_reach)
        .group_by(col(Measure.theme), col(Measure.kind), col(Measure.drug_category))
    ).all()
    linked = session.execute(
        select(theme, follows, col(Measure.kind), col(Measure.drug_category), func.count())
        .select_from(Measure)
        .outerjoin(
            BestuurlijkeRapportage,
            and_(
                col(BestuurlijkeRapportage.id) == col(Measure.rapportage_id),
                # A rapportage above the reader's ceiling lends the measure nothing.
                within_ceiling(BestuurlijkeRapportage, levels),
            ),
        )
        .where(col(Measure.rapportage_id).is_not(None), *in_reach)
        .group_by(theme, follows, col(Measure.kind), col(Measure.drug_category))
    ).all()
    measures: dict[tuple[str | None, str], dict[str, list[tuple[str | None, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for measure_theme, follow, kind, category, number in [*unlinked, *linked]:
        measures[(measure_theme, str(follow))][kind].append((category, int(number)))
    kind_order = list(MEASURE_PHRASES)
    theme_order = sorted(
        set(received) | {key for key, _ in measures},
        key=lambda code: (code is None, code or ""),
    )
    for code in theme_order:
        topic = themes.get(code, "overige onderwerpen").lower() if code else "overige onderwerpen"
        suffix = code or "zonder-thema"
        number = int(received.get(code, 0))
        text.figure(f"rapportages-{suffix}", number)
        lead = ""
        if number:
            noun = counted_noun(number, "bestuurlijke rapportage", "bestuurlijke rapportages")
            verb = "is" if number == 1 else "zijn"
            lead = f"Er {verb} {noun} ontvangen met betrekking tot {topic}."
        sentences = []
        for follow in (FOLLOWED_IN_WINDOW, FOLLOWED_OUTSIDE, NOT_FOLLOWED):
            by_kind = measures.get((code, follow), {})
            kinds = sorted(by_kind, key=lambda k: kind_order.index(k) if k in kind_order else 99)
            for kind in kinds:
                for category, amount in sorted(by_kind[kind], key=_category_order):
                    key = f"{MEASURE_KEYS.get(kind, kind)}-{suffix}"
                    if category:
                        key += f"-{category}"
                    key += FOLLOW_KEYS.get(follow, "-zonder-rapportage")
                    text.figure(key, amount)
            if not kinds:
                continue
            if follow == NOT_FOLLOWED:
                for kind in kinds:
                    amount = sum(n for _c, n in by_kind[kind])
                    singular, _plural, participle = MEASURE_PHRASES.get(
                        kind, ("maatregel", "maatregelen", "genomen")
                    )
                    sentences.append(
                        f"Er is {words(amount)} keer een {singular} {participle} met "
                        f"betrekking tot {topic}."
                    )
                continue
            parts = [
                _measure_part(kind, sorted(by_kind[kind], key=_category_order)) for kind in kinds
            ]
            if follow == FOLLOWED_IN_WINDOW and lead:
                lead += f" Als gevolg hiervan {_measures_sentence(parts)}."
                continue
            total = sum(n for kind in kinds for _c, n in by_kind[kind])
            earlier = "eerder ontvangen " if follow == FOLLOWED_OUTSIDE else ""
            source = (
                f"een {earlier}bestuurlijke rapportage"
                if total == 1
                else f"{earlier}bestuurlijke rapportages"
            )
            sentences.append(
                f"Naar aanleiding van {source} met betrekking tot {topic} "
                f"{_measures_sentence(parts)}."
            )
        text.sentences.extend([lead, *sentences] if lead else sentences)


def _category_order(item: tuple[str | None, int]) -> tuple[int, bool, str]:
    """Most first, as the letter does: `vier (softdrugs) en twee (harddrugs)`."""
    return -item[1], item[0] is None, item[0] or ""


def _campaigns(
    session: Session, window: Window, levels: Levels, texts: dict[str, PillarText]
) -> None:
    """Per pillar, month and kind: how many campaigns, for whom, with which organisations.
    One GROUP BY counts them and says per audience of the vocabulary whether any has it;
    a second merges the organisations of those that name any (one row per group and
    name). However many different lists the campaigns hold, only a group's distinct values
    reach Python."""
    dialect = session.get_bind().dialect.name
    where = _in_reach(Campaign, col(Campaign.starts_on), window, levels)
    reaches = [
        _any(json_list_has(col(Campaign.audiences), audience, dialect), dialect)
        for audience in AUDIENCES
    ]
    # Per day first, then per month: the month's name is written once per day, not per
    # campaign (as in statistics' `_by_calendar`).
    by_day = (
        select(
            col(Campaign.pillar).label("pillar"),
            col(Campaign.starts_on).label("day"),
            col(Campaign.kind).label("kind"),
            func.count().label("n"),
            *(reach.label(f"a{position}") for position, reach in enumerate(reaches)),
        )
        .where(*where)
        .group_by(col(Campaign.pillar), col(Campaign.starts_on), col(Campaign.kind))
        .subquery("by_day")
    )
    per_month = (by_day.c.pillar, time_expression("month", by_day.c.day, dialect), by_day.c.kind)
    counts: dict[tuple[str, str, str], int] = {}
    extras: dict[str, dict[tuple[str, str, str], set[str]]] = {
        "audiences": defaultdict(set),
        "organisations": defaultdict(set),
    }
    for pillar, group_month, kind, number, *reached in session.execute(
        select(
            *per_month,
            func.sum(by_day.c.n),
            *(_any(by_day.c[f"a{position}"], dialect) for position in range(len(reaches))),
        ).group_by(*per_month)
    ):
        counts[(pillar, group_month, kind)] = int(number)
        extras["audiences"][(pillar, group_month, kind)] = {
            audience for audience, flag in zip(AUDIENCES, reached, strict=True) if flag
        }
    month = time_expression("month", col(Campaign.starts_on), dialect)
    group_columns = (col(Campaign.pillar), month, col(Campaign.kind))
    names = json_elements(col(Campaign.organisations), dialect)
    length = func.jsonb_array_length if dialect == "postgresql" else func.json_array_length
    for pillar, group_month, kind, name in session.execute(
        select(*group_columns, names.c.value)
        .select_from(Campaign)
        .join(names, true())
        .where(*where, length(col(Campaign.organisations)) > 0)
        .group_by(*group_columns, names.c.value)
    ):
        extras["organisations"][(pillar, group_month, kind)].add(str(name))
    for (pillar, group_month, kind), number in sorted(
        counts.items(), key=lambda item: (item[0][1], item[0][2], item[0][0])
    ):
        text = texts.get(pillar)
        if text is None:
            continue
        text.figure(f"{kind}-{group_month}", number)
        singular, plural, participle = CAMPAIGN_PHRASES.get(
            kind, ("campagne", "campagnes", "gevoerd")
        )
        group = (pillar, group_month, kind)
        verb = "is" if number == 1 else "zijn"
        sentence = f"In {month_phrase(group_month, window)} {verb} er"
        organisations = sorted(extras["organisations"].get(group, set()))
        if organisations:
            sentence += f" samen met {join_words(organisations)}"
        sentence += f" {counted_noun(number, singular, plural)} {participle}"
        audiences = [
            AUDIENCES.get(a, a) for a in AUDIENCES if a in extras["audiences"].get(group, set())
        ]
        if audiences and kind in CAMPAIGNS_TAKEN_PART_IN:
            verb = "heeft" if audiences == [AUDIENCES["handhaving"]] else "hebben"
            sentence += f" waarbij {join_words(audiences)} deel {verb} genomen"
        elif audiences:
            sentence += f" voor {join_words(audiences)}"
        text.sentences.append(sentence + ".")


def _any(condition: Any, dialect: str) -> Any:
    """Whether the condition holds for any row of the group: `bool_or` on PostgreSQL (with
    `?` per audience, a third faster than `max(CASE …)` over two years of campaigns),
    `max` of 0/1 on SQLite."""
    if dialect == "postgresql":
        return func.bool_or(condition)
    return func.max(case((condition, 1), else_=0))


def _milestones(session: Session, plan: Plan, window: Window, texts: dict[int, PillarText]) -> None:
    rows = session.execute(
        select(MilestoneUpdate, col(Indicator.pillar_id), col(Indicator.code), col(Indicator.title))
        .join(Indicator, col(Indicator.id) == col(MilestoneUpdate.indicator_id))
        .where(col(Indicator.plan_id) == plan.id, *_in_window(col(MilestoneUpdate.date), window))
        .order_by(col(MilestoneUpdate.date), col(MilestoneUpdate.created_at))
    ).all()
    for update, pillar_id, code, title in rows:
        text = texts.get(pillar_id)
        if text is None:
            continue
        text.figures = [f for f in text.figures if f.key != code]
        text.figure(code, update.status)
        status = MILESTONE_VERBS.get(update.status, update.status)
        month = month_phrase(f"{update.date.year}-{update.date.month:02d}", window)
        sentence = f'In {month} is "{title}" {status}.'
        if update.note:
            note = update.note.strip()
            sentence += " " + capitalise(note) + ("" if note.endswith((".", "!", "?")) else ".")
        text.sentences.append(sentence)


def look_back(
    session: Session,
    plan: Plan,
    window: Window,
    *,
    caller: Caller | None = None,
    export: str | None = None,
) -> LookBack:
    """The terugblik over the window for the plan's pillars; `export` (a media type) audits
    it as an export by `caller`."""
    audit_export(session, caller, "reports/terugblik", export)
    assert window.starts_on is not None
    assert window.ends_on is not None
    pillars = session.scalars(
        select(Pillar).where(col(Pillar.plan_id) == plan.id).order_by(col(Pillar.position))
    ).all()
    texts = {pillar.code: PillarText() for pillar in pillars}
    first = texts[pillars[0].code] if pillars else PillarText()
    levels = caller.ceiling if caller is not None else None
    _count_figures(session, window, levels, texts | {FIRST_PILLAR: first})
    later = _inspections(session, window, levels, first)
    _rapportages(session, window, levels, first)
    for sentence in later:
        first.sentences.append(sentence)
    _campaigns(session, window, levels, texts)
    _milestones(session, plan, window, {p.id or 0: texts[p.code] for p in pillars})
    return LookBack(
        plan=plan.code,
        starts_on=window.starts_on,
        ends_on=window.ends_on,
        introduction=introduction(window),
        pillars=[
            PillarLookBack(
                code=pillar.code,
                title=pillar.title,
                figures=texts[pillar.code].figures,
                sentences=texts[pillar.code].sentences,
            )
            for pillar in pillars
        ],
    )


def markdown(report: LookBack) -> str:
    """The text alone, laid out as in the letter."""
    lines = ["## Terugblik", "", report.introduction, ""]
    for position, pillar in enumerate(report.pillars, start=1):
        ordinal = num2words(position, lang="nl", to="ordinal")
        lines.append(f'{position}. Ten aanzien van de {ordinal} pijler "{pillar.title}":')
        sentences = pillar.sentences or ["Er zijn over deze periode geen resultaten te vermelden."]
        lines.extend(f"   - {sentence}" for sentence in sentences)
    return "\n".join(lines) + "\n"
