"""Write tests/stories/labelled.json: news articles from many outlets, each labelled with the
story it tells (issue 16's labelled set).

Each story is one event told by several outlets in their own words (different headline and
lead templates, synonyms, details in another order). The hard negatives are built in: events of
the same kind with other names or places (two earthquakes, two central banks holding rates on
the same day), follow-ups two days later with a new development, daily markets reports and
roundups ("Live updates", "Morning briefing") of different days, and one outlet telling the same
story twice (its update stays apart: one feed's items are never merged).

Deterministic: ``python tests/stories/generate.py`` writes the same file every time. To grow
the set, add entities or templates below.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

OUTLETS = [
    "Reuters", "AP News", "BBC News", "The Guardian", "Al Jazeera", "CNN", "NPR", "Deutsche Welle",
    "France 24", "The Independent", "Sky News", "ABC News", "CBC", "The Times", "Euronews",
    "Financial Times",
]  # fmt: skip
START = datetime(2026, 3, 2, 6, tzinfo=UTC)  # a Monday
DAYS = 12
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass
class Event:
    kind: str
    facts: dict[str, str]
    when: datetime


# --- what each kind of event says, in several outlets' words --------------------------------
# {day} is the weekday of the event; the other fields come from the event's facts.

TITLES: dict[str, list[str]] = {
    "quake": [
        "Magnitude {mag} earthquake strikes {place}, killing at least {dead}",
        "{place} quake: at least {dead} dead after {mag} tremor",
        "Powerful earthquake hits {region} of {place}; {dead} killed",
        "At least {dead} dead as strong quake rocks {city}",
        "Deadly {mag}-magnitude earthquake shakes {city}, {place}",
        "Rescuers search rubble after {place} earthquake kills {dead}",
    ],
    "quake_followup": [
        "{place} earthquake death toll climbs to {dead2}",
        "Aftershock rattles {city} as {place} quake toll rises to {dead2}",
        "{place} quake: hopes fade for survivors as deaths reach {dead2}",
        "Death toll from {place} earthquake passes {dead2}",
    ],
    "rates": [
        "{bank} holds interest rates at {rate}% as inflation cools",
        "{bank} keeps rates unchanged at {rate}%, signals caution",
        "{chair}'s {bank} leaves borrowing costs on hold at {rate}%",
        "{bank} pauses again, keeping key rate at {rate} per cent",
        "Rates on hold: {bank} stands pat at {rate}%",
    ],
    "election": [
        "{winner} wins {country} presidential election with {share}% of vote",
        "{country} election: {winner} declared winner",
        "{winner} claims victory in {country} as rival {loser} concedes",
        "{party}'s {winner} elected {country} president",
        "{country} votes: {winner} beats {loser} in presidential run-off",
    ],
    "deal": [
        "{buyer} to buy {target} for ${price}bn",
        "{buyer} agrees ${price} billion takeover of {target}",
        "{target} accepts ${price}bn offer from {buyer}",
        "{buyer} strikes deal to acquire {target} in ${price}bn deal",
        "{target} shares soar on {buyer} buyout",
    ],
    "storm": [
        "Storm {storm} makes landfall in {place} with {wind} km/h winds",
        "{place} braces as Storm {storm} hits coast",
        "Storm {storm} slams into {place}, thousands without power",
        "Thousands evacuated as Storm {storm} batters {city}",
        "Storm {storm}: {wind} km/h gusts lash {place}",
    ],
    "final": [
        "{team1} beat {team2} {score} to win the {cup}",
        "{cup} final: {team1} {score} {team2}",
        "{team1} crowned {cup} champions after {score} win over {team2}",
        "{team2} lose {cup} final to {team1}",
        "{player} stars as {team1} lift {cup}",
    ],
    "resign": [
        "{country} {role} {minister} resigns over {scandal}",
        "{minister} quits as {country}'s {role}",
        "{country}'s {role} steps down amid {scandal} row",
        "{minister} resignation: {role} leaves {country} government",
        "Embattled {role} {minister} resigns",
    ],
    "layoffs": [
        "{company} to cut {jobs} jobs worldwide",
        "{company} announces {jobs} layoffs in cost-cutting drive",
        "{company} axes {jobs} roles as profits slide",
        "{jobs} jobs to go at {company}",
        "{company} layoffs: {jobs} workers to lose jobs",
    ],
    "launch": [
        "{agency} launches {mission} mission to {target}",
        "{mission} lifts off on {rocket} bound for {target}",
        "{agency}'s {mission} probe blasts off for {target}",
        "{rocket} rocket carries {mission} towards {target}",
    ],
    "breach": [
        "{company} data breach exposes {users} million customers",
        "Hackers steal data of {users}m {company} users",
        "{company} says cyberattack hit {users} million accounts",
        "{users} million {company} customers caught in hack",
    ],
    "strike": [
        "{sector} workers in {country} begin {days}-day strike",
        "{country} {sector} strike halts services for {days} days",
        "{union} walkout: {country} {sector} staff strike over pay",
        "Strike by {union} disrupts {sector} across {country}",
    ],
    "markets": [
        "Wall Street ends {day} {direction} as {driver}",
        "Stocks close {direction} on {day}; {driver}",
        "US markets {day}: Dow and S&P finish {direction}",
        "{day} markets wrap: shares end {direction}, {driver}",
    ],
    "roundup": [
        "Live updates: {topic}",
        "{topic}: live updates",
        "Morning briefing: {topic} and more",
        "Your {day} briefing: {topic}",
        "What you need to know this {day} morning",
    ],
}

LEADS: dict[str, list[str]] = {
    "quake": [
        "A magnitude {mag} earthquake struck {region} {place} on {day}, killing at least {dead} "
        "people and toppling buildings in {city}, officials said.",
        "At least {dead} people died when a powerful quake hit near {city} early {day}. The "
        "{mag} tremor was felt across {place}, according to the national seismic agency.",
        "Rescue teams in {place} were digging through collapsed homes after the {day} earthquake, "
        "which measured {mag} and left {dead} people dead around {city}.",
    ],
    "quake_followup": [
        "The number of people killed by the earthquake in {place} has risen to {dead2}, "
        "officials said on {day}, as a strong aftershock shook {city}.",
        "{place} authorities on {day} raised the death toll from the quake to {dead2}; rescuers "
        "in {city} say the chances of finding survivors are slim.",
    ],
    "rates": [
        "The {bank} left its benchmark rate unchanged at {rate}% on {day}, with {chair} saying "
        "policymakers want more evidence that price growth is slowing.",
        "Policymakers at the {bank} voted to keep borrowing costs at {rate} per cent on {day}. "
        "{chair} told reporters cuts were not yet on the table.",
        "{chair} said on {day} the {bank} would hold its key rate at {rate}%, a decision widely "
        "expected by markets.",
    ],
    "election": [
        "{winner} of the {party} won {country}'s presidential election with {share}% of the "
        "vote, official results showed on {day}.",
        "{loser} conceded defeat on {day} after {winner} took {share}% in {country}'s run-off, "
        "electoral officials said.",
        "Voters in {country} elected {winner} president; the {party} candidate won {share}% "
        "against {loser}, according to the count released {day}.",
    ],
    "deal": [
        "{buyer} said on {day} it had agreed to acquire {target} in a deal worth ${price} "
        "billion, its largest ever purchase.",
        "{target} has accepted a ${price}bn takeover offer from {buyer}, the companies announced "
        "{day}, pending regulatory approval.",
        "In a ${price} billion deal announced on {day}, {buyer} will buy rival {target}.",
    ],
    "storm": [
        "Storm {storm} reached {place} on {day} with winds of up to {wind} km/h, cutting power "
        "to thousands of homes around {city}.",
        "Authorities in {place} evacuated coastal areas near {city} as Storm {storm} came ashore "
        "{day} with {wind} km/h winds.",
        "Gusts of {wind} km/h battered {city} as Storm {storm} made landfall in {place} on {day}.",
    ],
    "final": [
        "{team1} won the {cup} on {day}, beating {team2} {score} with {player} scoring twice.",
        "{player} led {team1} to a {score} victory over {team2} in the {cup} final on {day}.",
        "{team2} were beaten {score} by {team1} in {day}'s {cup} final.",
    ],
    "resign": [
        "{minister}, {country}'s {role}, resigned on {day} after weeks of pressure over the "
        "{scandal}.",
        "{country}'s {role} {minister} stepped down {day}, saying the {scandal} had become a "
        "distraction for the government.",
        "The {role} of {country}, {minister}, quit on {day} following revelations about the "
        "{scandal}.",
    ],
    "layoffs": [
        "{company} will cut about {jobs} jobs, the company said on {day}, as it trims costs "
        "after a fall in demand.",
        "{company} announced on {day} that {jobs} employees would lose their jobs in a "
        "restructuring.",
        "The {company} layoffs, announced {day}, will affect {jobs} staff worldwide.",
    ],
    "launch": [
        "{agency} launched its {mission} mission to {target} on {day} aboard a {rocket} rocket.",
        "The {mission} spacecraft lifted off on {day} on a {rocket}, beginning {agency}'s "
        "journey to {target}.",
        "A {rocket} carrying {agency}'s {mission} probe left the pad on {day}, bound for {target}.",
    ],
    "breach": [
        "{company} said on {day} that hackers had accessed the personal data of {users} million "
        "customers.",
        "A cyberattack on {company} exposed names and emails of {users} million users, the "
        "firm disclosed {day}.",
        "{company} disclosed {day} a breach affecting {users} million accounts.",
    ],
    "strike": [
        "{sector} staff across {country} walked out on {day} at the start of a {days}-day "
        "strike called by {union} over pay.",
        "The {union} strike began {day}, halting {sector} in {country} for {days} days.",
        "Members of {union} in {country} started a {days}-day {sector} strike on {day}.",
    ],
    "markets": [
        "US stocks closed {direction} on {day} as {driver}, with the S&P 500 and the Dow "
        "finishing the session {direction}.",
        "Wall Street finished {direction} on {day}: {driver}.",
        "Shares in New York ended the {day} session {direction}; {driver}.",
    ],
    "roundup": [
        "Follow the latest on {topic}, and the rest of the day's news, as it happens this {day}.",
        "Good morning. Here is what you need to know this {day}: {topic}, and more.",
        "The latest developments on {topic}, updated through {day}.",
    ],
}

PLACES = [  # country, city, region
    ("Turkey", "Malatya", "eastern"), ("Japan", "Sendai", "northern"),
    ("Peru", "Arequipa", "southern"), ("Indonesia", "Padang", "western"),
    ("Chile", "Antofagasta", "northern"), ("Nepal", "Pokhara", "central"),
    ("Mexico", "Oaxaca", "southern"), ("Greece", "Patras", "western"),
]  # fmt: skip
BANKS = [
    ("Federal Reserve", "Jerome Powell", "4.25"), ("European Central Bank", "Christine Lagarde",
    "2.5"), ("Bank of England", "Andrew Bailey", "4"), ("Bank of Japan", "Kazuo Ueda", "0.5"),
    ("Reserve Bank of Australia", "Michele Bullock", "3.85"), ("Bank of Canada",
    "Tiff Macklem", "2.75"),
]  # fmt: skip
ELECTIONS = [
    ("Ecuador", "Luisa Paredes", "Citizen Revolution", "Marco Vela"),
    ("Romania", "Andrei Popescu", "National Liberal Party", "Elena Ionescu"),
    ("Ghana", "Kwame Asante", "New Patriotic Party", "Ama Boateng"),
    ("Portugal", "Rui Almeida", "Social Democratic Party", "Ines Costa"),
    ("Colombia", "Camila Rojas", "Liberal Party", "Jorge Mejia"),
]
DEALS = [
    ("Broadcom", "Marvell"),
    ("Unilever", "Kenvue"),
    ("Shell", "BP Solar"),
    ("Nestle", "Oatly"),
    ("Siemens", "Ansys Cloud"),
    ("Comcast", "Warner Music"),
    ("Pfizer", "Moderna Oncology"),
]
STORMS = [
    ("Amelia", "Portugal", "Lisbon"),
    ("Bertrand", "Ireland", "Galway"),
    ("Ciara", "Brittany", "Brest"),
    ("Dorian", "the Philippines", "Manila"),
    ("Eunice", "Scotland", "Aberdeen"),
]
FINALS = [
    ("Arsenal", "Chelsea", "FA Cup", "Bukayo Saka"),
    ("Real Madrid", "Barcelona", "Copa del Rey", "Vinicius Junior"),
    ("Bayern Munich", "Leverkusen", "DFB-Pokal", "Harry Kane"),
    ("Celtic", "Rangers", "Scottish Cup", "Kyogo Furuhashi"),
    ("Napoli", "Inter Milan", "Coppa Italia", "Victor Osimhen"),
]
RESIGNS = [
    ("Germany", "finance minister", "Jonas Richter", "budget leak"),
    ("Australia", "defence minister", "Sarah Whitlam", "submarine contract"),
    ("Spain", "health minister", "Pablo Serrano", "hospital procurement"),
    ("Canada", "housing minister", "Nadia Tremblay", "lobbying"),
    ("South Korea", "justice minister", "Lee Min-ho", "wiretap"),
]
LAYOFFS = [
    ("Intel", "15,000"),
    ("Volkswagen", "35,000"),
    ("Spotify", "1,500"),
    ("Ericsson", "8,500"),
    ("Boeing", "17,000"),
    ("Nike", "2,000"),
    ("Dell", "12,500"),
]
LAUNCHES = [
    ("Nasa", "Europa Clipper", "Falcon Heavy", "Jupiter's moon Europa"),
    ("Esa", "Hera", "Falcon 9", "the asteroid Didymos"),
    ("Isro", "Shukrayaan", "GSLV", "Venus"),
    ("Jaxa", "MMX", "H3", "the Martian moon Phobos"),
]
BREACHES = [
    ("Ticketmaster", "560"),
    ("AT&T", "73"),
    ("Qantas", "6"),
    ("Marks & Spencer", "9"),
    ("Santander", "30"),
]
STRIKES = [
    ("France", "rail", "CGT"),
    ("Britain", "junior doctors' NHS care", "BMA"),
    ("Belgium", "air traffic", "ACOD"),
    ("Finland", "port", "AKT"),
    ("Germany", "airport", "Verdi"),
]
DRIVERS = [
    "tech shares rallied",
    "oil prices jumped",
    "bank stocks slid",
    "Nvidia results lifted chips",
    "investors weighed jobs data",
    "Treasury yields rose",
    "retail earnings disappointed",
    "Apple shares fell",
    "Tesla rallied",
]
TOPICS = [
    "the Turkey earthquake",
    "the war in Ukraine",
    "the Middle East crisis",
    "US politics",
    "the Storm Amelia aftermath",
    "the Gaza ceasefire talks",
]


def outlet_ids() -> dict[str, int]:
    """Feed id of each outlet (its index + 1)."""
    return {name: i + 1 for i, name in enumerate(OUTLETS)}


def events(rng: random.Random) -> list[Event]:
    """Every event of the set, with the facts its articles state."""
    out: list[Event] = []

    def at(day: int, hour: float | None = None) -> datetime:
        return START + timedelta(days=day, hours=rng.uniform(0, 12) if hour is None else hour)

    for i, (place, city, region) in enumerate(PLACES):
        dead = rng.choice([12, 37, 58, 140, 312, 1200, 2300])
        facts = dict(place=place, city=city, region=region, mag=f"{rng.choice([6, 7])}.{i + 1}",
                     dead=f"{dead:,}", dead2=f"{dead * 3 + 17:,}")  # fmt: skip
        day = i  # one earthquake a day, somewhere else: same words, other places
        out.append(Event("quake", facts, at(day)))
        if i % 2 == 0:  # two days later: more dead, an aftershock; a different story
            out.append(Event("quake_followup", facts, at(day + 2)))
    for j in range(2):
        for i, (bank, chair, rate) in enumerate(BANKS):
            # two or three banks hold rates on the same day: same words, other names
            out.append(
                Event("rates", dict(bank=bank, chair=chair, rate=rate), at(1 + i // 2 + j * 6))
            )
    for i, (country, winner, party, loser) in enumerate(ELECTIONS):
        out.append(
            Event(
                "election",
                dict(
                    country=country,
                    winner=winner,
                    party=party,
                    loser=loser,
                    share=str(rng.randint(51, 58)),
                ),
                at(i * 2),
            )
        )
    for i, (buyer, target) in enumerate(DEALS):
        out.append(Event("deal", dict(buyer=buyer, target=target, price=str(rng.randint(2, 69))),
                         at(i + 1)))  # fmt: skip
    for i, (storm, place, city) in enumerate(STORMS):
        out.append(
            Event(
                "storm",
                dict(
                    storm=storm, place=place, city=city, wind=str(rng.choice([120, 140, 160, 185]))
                ),
                at(i * 2 + 1),
            )
        )
    for i, (team1, team2, cup, player) in enumerate(FINALS):
        score = rng.choice(["2-1", "3-1", "1-0", "4-2"])
        out.append(Event("final", dict(team1=team1, team2=team2, cup=cup, player=player,
                                       score=score), at(5 + (i % 2) * 7, 20)))  # fmt: skip
    for i, (country, role, minister, scandal) in enumerate(RESIGNS):
        out.append(Event("resign", dict(country=country, role=role, minister=minister,
                                        scandal=scandal), at(i * 2 + 2)))  # fmt: skip
    for i, (company, jobs) in enumerate(LAYOFFS):
        out.append(Event("layoffs", dict(company=company, jobs=jobs), at(i + 3)))
    for i, (agency, mission, rocket, target) in enumerate(LAUNCHES):
        out.append(Event("launch", dict(agency=agency, mission=mission, rocket=rocket,
                                        target=target), at(i * 3)))  # fmt: skip
    for i, (company, users) in enumerate(BREACHES):
        out.append(Event("breach", dict(company=company, users=users), at(i * 2 + 1)))
    for i, (country, sector, union) in enumerate(STRIKES):
        out.append(Event("strike", dict(country=country, sector=sector, union=union,
                                        days=str(rng.randint(2, 5))), at(i * 2)))  # fmt: skip
    for day in range(DAYS):  # every weekday's close: the same words each day
        if (START + timedelta(days=day)).weekday() < 5:
            out.append(Event("markets", dict(direction=rng.choice(["higher", "lower"]),
                                             driver=rng.choice(DRIVERS)), at(day, 15)))  # fmt: skip
    return out


def articles(rng: random.Random) -> list[dict[str, object]]:
    """The labelled articles: each event told by 2-8 outlets, plus roundups and updates."""
    feeds = outlet_ids()
    out: list[dict[str, object]] = []
    story = 0

    def add(outlet: str, when: datetime, title: str, lead: str, label: int, kind: str) -> None:
        out.append({
            "id": len(out) + 1, "feed": feeds[outlet], "outlet": outlet,
            "published": when.isoformat(), "title": title, "text": lead, "story": label,
            "kind": kind,
        })  # fmt: skip

    for event in events(rng):
        story += 1
        facts = dict(event.facts, day=WEEKDAYS[event.when.weekday()])
        outlets = rng.sample(OUTLETS, rng.randint(2, 8))
        titles = rng.sample(TITLES[event.kind], len(TITLES[event.kind]))
        for n, outlet in enumerate(outlets):
            when = event.when + timedelta(hours=rng.uniform(0.2, 10) if n else 0)
            title = upper_first(titles[n % len(titles)].format(**facts))
            lead = rng.choice(LEADS[event.kind]).format(**facts)
            add(outlet, when, title, lead, story, event.kind)
        if event.kind in ("quake", "storm") and story % 3 == 0:
            # the first outlet updates its story hours later: its own feed, kept apart
            story += 1
            update = "Update: " + upper_first(rng.choice(TITLES[event.kind]).format(**facts))
            add(outlets[0], event.when + timedelta(hours=6), update,
                rng.choice(LEADS[event.kind]).format(**facts), story, event.kind)  # fmt: skip
    # Roundups: each is its own story, whatever it mentions and whoever publishes it.
    for day in range(DAYS):
        when = START + timedelta(days=day, hours=1)
        for outlet in rng.sample(OUTLETS, 3):
            story += 1
            facts = dict(topic=rng.choice(TOPICS), day=WEEKDAYS[when.weekday()])
            title = upper_first(rng.choice(TITLES["roundup"]).format(**facts))
            add(outlet, when + timedelta(hours=rng.uniform(0, 3)), title,
                rng.choice(LEADS["roundup"]).format(**facts), story, "roundup")  # fmt: skip
    out.sort(key=lambda a: (str(a["published"]), int(str(a["id"]))))
    return out


def upper_first(text: str) -> str:
    """A headline starts with a capital."""
    return text[:1].upper() + text[1:]


def main() -> None:
    rng = random.Random(16)
    data = articles(rng)
    path = Path(__file__).with_name("labelled.json")
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    stories = {a["story"] for a in data}
    grouped = sum(1 for s in stories if sum(a["story"] == s for a in data) > 1)
    print(f"{path}: {len(data)} articles, {len(stories)} stories ({grouped} told more than once)")


if __name__ == "__main__":
    main()
