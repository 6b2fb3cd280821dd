"""The catalogue content taken from the seed documents, as data (loaded by `load_instruments`).

SERV = SERV advice "Open innovatie" (2013), seed 000; POM = POM West-Vlaanderen white paper, seed 003.
Table 1 and Table 3 of SERV give the same matrix; their cells were reconstructed from the PDF text,
which lost the layout: in the "encouraged" row one of the five columns is empty, read here as the
user-group column (SBO and TETRA already have an obligatory user group).
"""

from loket.instruments.rules import EU_MEMBER_STATES

SERV = "SERV, Advies Open innovatie (2013)"
POM = "POM West-Vlaanderen, Samenwerken rond innovatie (white paper)"
FT = "European Commission, Funding & Tenders portal (topics snapshot 2026)"
SERV_DATE = "2013-06-12"

FUNDERS = [
    # code, name, short, level, successor, historical
    ("vlaio", "Agentschap Innoveren & Ondernemen", "VLAIO", "flemish", "", False),
    (
        "iwt",
        "Agentschap voor Innovatie door Wetenschap en Technologie",
        "IWT",
        "flemish",
        "vlaio",
        True,
    ),
    ("ao", "Agentschap Ondernemen", "AO", "flemish", "vlaio", True),
    ("ewi", "Departement Economie, Wetenschap en Innovatie", "EWI", "flemish", "", False),
    ("pmv", "ParticipatieMaatschappij Vlaanderen", "PMV", "flemish", "", False),
    ("fwo", "Fonds Wetenschappelijk Onderzoek - Vlaanderen", "FWO", "flemish", "", False),
    ("hercules", "Herculesstichting", "Hercules", "flemish", "fwo", True),
    ("esf-vlaanderen", "ESF-Agentschap Vlaanderen", "ESF Vlaanderen", "flemish", "", False),
    ("participatiefonds", "Participatiefonds", "Participatiefonds", "federal", "", True),
    ("federal-government", "Federale overheid", "FOD", "federal", "", False),
    ("provincie-wvl", "Provincie West-Vlaanderen", "Provincie WVL", "provincial", "", False),
    ("pom-wvl", "POM West-Vlaanderen", "POM WVL", "provincial", "", False),
    ("ec", "European Commission", "EC", "european", "", False),
    ("eif", "European Investment Fund", "EIF", "european", "", False),
    (
        "eismea",
        "European Innovation Council and SMEs Executive Agency",
        "EISMEA",
        "european",
        "",
        False,
    ),
]

# Table 4: (slug, name, short, category, funder code, table group)
TABLE4 = [
    ("sbo", "Strategisch Basisonderzoek", "SBO", "subsidy", "iwt", "subsidies"),
    ("tetra", "TETRA (Technologietransfer)", "TETRA", "subsidy", "iwt", "subsidies"),
    ("oo-subsidie", "O&O-subsidie (bedrijfssteun)", "O&O", "subsidy", "iwt", "subsidies"),
    ("kmo-programma", "KMO-programma", "KMO-programma", "subsidy", "iwt", "subsidies"),
    ("vis", "Vlaams Innovatiesamenwerkingsverband", "VIS", "subsidy", "iwt", "subsidies"),
    (
        "landbouwprojecten",
        "Landbouwprojecten (LA-trajecten)",
        "Landbouwprojecten",
        "subsidy",
        "iwt",
        "subsidies",
    ),
    ("icon", "ICON-projecten", "ICON", "subsidy", "iwt", "subsidies"),
    ("tina", "TINA-fonds (investeringsfonds)", "TINA", "investment", "pmv", "subsidies"),
    ("herculesfonds", "Herculesfonds", "Herculesfonds", "subsidy", "hercules", "subsidies"),
    ("subsidiedatabank", "Subsidiedatabank", "Subsidiedatabank", "facility", "ao", "facilities"),
    ("von", "VON & leerplatform", "VON & leerplatform", "facility", "ao", "facilities"),
    (
        "oproep-ondernemerschap",
        "Oproep Ondernemerschap",
        "Oproep Ondernemerschap",
        "awareness",
        "ao",
        "awareness",
    ),
    (
        "strategische-transformatiesteun",
        "Project Strategische TransformatieSteun",
        "Strategische TransformatieSteun",
        "awareness",
        "ao",
        "awareness",
    ),
    ("kmo-portefeuille", "KMO-portefeuille", "KMO-portefeuille", "awareness", "ao", "awareness"),
    (
        "competentiepolen",
        "Competentiepolen & Lichte structuren",
        "Competentiepolen",
        "awareness",
        "iwt",
        "awareness",
    ),
    (
        "innovatiecentra",
        "Provinciale Innovatiecentra / VIN",
        "Innovatiecentra/VIN",
        "intermediary",
        "iwt",
        "intermediaries",
    ),
    ("tto", "Technology Transfer Offices", "TTO", "intermediary", "ewi", "intermediaries"),
    (
        "kenniscentra",
        "Kenniscentra / LEDs",
        "Kenniscentra/LEDs",
        "intermediary",
        "ao",
        "intermediaries",
    ),
]
TABLE4_GROUPS = ["subsidies", "facilities", "awareness", "intermediaries"]
TABLE4_FUNDERS = ["ewi", "iwt", "ao", "pmv", "hercules"]

# Tables 1 and 3: requirement -> modality -> [(instrument slug, variant label)]
TABLE1 = {
    "obligatory": {
        "joint_application": [
            ("tetra", ""),
            ("vis", ""),
            ("landbouwprojecten", ""),
            ("icon", ""),
            ("tina", ""),
        ],
        "user_group": [("tetra", ""), ("sbo", ""), ("vis", "")],
        "participants": [("vis", ""), ("landbouwprojecten", ""), ("icon", ""), ("tina", "")],
        "dissemination": [],
        "spillover": [("tetra", "TETRA-partners"), ("vis", ""), ("landbouwprojecten", "")],
    },
    "encouraged": {
        "joint_application": [("sbo", ""), ("oo-subsidie", "")],
        "user_group": [],
        "participants": [("oo-subsidie", ""), ("herculesfonds", "Herculesfonds & co")],
        "dissemination": [
            ("sbo", ""),
            ("tetra", ""),
            ("oo-subsidie", ""),
            ("herculesfonds", "Herculesfonds & co"),
        ],
        "spillover": [("sbo", ""), ("tetra", "TETRA-open-netwerk"), ("oo-subsidie", "")],
    },
}
MODALITY_NOTES = {
    (
        "tetra",
        "joint_application",
    ): "Hogeschool of universiteit kan trekker zijn, maar de aanvraag gebeurt samen met verschillende participerende bedrijven (voetnoot 51).",
    (
        "vis",
        "joint_application",
    ): "Steeds een consortium; een collectief centrum, beroepsfederatie of belangenvereniging met verplicht lidmaatschap kan als consortium optreden (voetnoot 52).",
    ("sbo", "user_group"): "Gebruikers moeten thema's mee goedkeuren (voetnoot 53).",
    (
        "tetra",
        "spillover",
    ): "Door de co-financiering is de betrokkenheid van de ondernemingen groter (voetnoot 54).",
    (
        "vis",
        "spillover",
    ): "Resultaten moeten met vakgenoten gecommuniceerd worden; verplichte disseminatie (voetnoot 55).",
    (
        "oo-subsidie",
        "joint_application",
    ): "Voor samenwerking wordt een bonus uitgekeerd; bedrijven nemen altijd het initiatief (voetnoot 56).",
    (
        "sbo",
        "joint_application",
    ): "Samenwerking sterk aanbevolen; gezamenlijke intentie in een engagementsverklaring (voetnoot 27).",
}
# Spillover obligatory (TETRA, VIS, Landbouwprojecten) or only encouraged and not evaluated (SBO,
# TETRA-open-netwerk, O&O): SERV section 2.2.2.2 and annex 2.
SPILLOVER_COUNTS = {
    "tetra": True,
    "vis": True,
    "landbouwprojecten": True,
    "sbo": False,
    "oo-subsidie": False,
}

HISTORICAL = {
    "vis",
    "landbouwprojecten",
    "tina",
    "herculesfonds",
    "subsidiedatabank",
    "von",
    "oproep-ondernemerschap",
    "competentiepolen",
    "innovatiecentra",
    "kmo-programma",
    "fp7",
    "cip",
    "h2020",
    "cosme",
    "kmo-waarborgfaciliteit",
}

_COMPANIES = ["micro", "small", "medium", "large"]
_SMES = ["micro", "small", "medium"]
_COMPANY_TYPES = ["company", "startup"]
_KNOWLEDGE = ["knowledge_institution", "research_centre"]
HE_CONSORTIUM = {"min_entities": 3, "min_countries": 3, "min_member_states": 1}

# Details per slug: target groups, amounts, rules, other fields. Rules: (kind, params, required).
DETAILS: dict[str, dict] = {
    "sbo": {
        "summary": "Strategisch basisonderzoek met economisch of maatschappelijk toepassingspotentieel; onderzoeksgroepen voeren uit, een gebruikersgroep van bedrijven keurt thema's mee goed.",
        "target_groups": ["knowledge_institution", "consortium"],
        "themes": ["research"],
        "rules": [
            ("org_type_in", {"values": _KNOWLEDGE}, True),
            ("stage_in", {"values": ["idea", "research"]}, True),
        ],
        "funding_rate_max": 100,
    },
    "tetra": {
        "summary": "Technologietransfer van hogescholen en universiteiten naar bedrijven via projecten met een gebruikersgroep.",
        "target_groups": ["knowledge_institution", "small", "medium", "micro"],
        "rules": [
            ("org_type_in", {"values": ["knowledge_institution"]}, True),
            ("min_partners", {"min": 2, "org_types": _COMPANY_TYPES}, True),
        ],
    },
    "oo-subsidie": {
        "summary": "Subsidie voor onderzoeks- en ontwikkelingsprojecten van bedrijven (haalbaarheidsstudies, bedrijfssteun, KMO-programma, sprintprojecten), met een samenwerkingsbonus.",
        "target_groups": [*_COMPANIES, "startup"],
        "funding_rate_min": 25,
        "funding_rate_max": 50,
        "amount_min": 25000,
        "amount_max": 3000000,
        "rules": [
            ("org_type_in", {"values": _COMPANY_TYPES}, True),
            ("stage_in", {"values": ["research", "development", "demonstration"]}, True),
            (
                "min_companies",
                {"min_companies": 2, "require_sme": True, "max_cost_share": 70},
                False,
            ),
        ],
        "evaluation_criteria": [
            "Innovatieve waarde",
            "Valorisatie in het bedrijf",
            "Samenwerkingsbonus (effectieve samenwerking)",
        ],
        "application_steps": [
            "Voorgesprek met de adviseur",
            "Aanvraag indienen",
            "Evaluatie (inhoud en valorisatie)",
            "Beslissing",
            "Contract en opvolging",
        ],
    },
    "kmo-programma": {
        "summary": "Innovatieprojecten en haalbaarheidsstudies voor KMO's.",
        "target_groups": _SMES,
        "amount_max": 500000,
        "funding_rate_max": 45,
        "rules": [
            ("size_class_in", {"values": _SMES}, True),
            ("org_type_in", {"values": _COMPANY_TYPES}, True),
        ],
    },
    "vis": {
        "summary": "Collectieve innovatiestimulering en -verspreiding door een consortium (collectief centrum, federatie) voor een groep bedrijven.",
        "target_groups": ["consortium", "small", "medium"],
        # SERV footnote 36: the pilot call for VIS trajectories for innovation followers.
        "call_windows": [
            {
                "label": "Pilootoproep VIS-trajecten voor innovatievolgers (voetnoot 36)",
                "opens": "2013-05-17",
                "closes": "2013-09-09",
            }
        ],
        "rules": [("min_partners", {"min": 3}, True)],
    },
    "landbouwprojecten": {
        "summary": "Toegepast landbouwonderzoek met een verplichte gebruikerscommissie en verspreiding naar de sector.",
        "target_groups": ["knowledge_institution", "consortium"],
        "themes": ["agriculture"],
        "rules": [("theme_keywords", {"keywords": ["landbouw", "agri", "food", "voeding"]}, True)],
    },
    "icon": {
        "summary": "Interdisciplinair coöperatief onderzoek van bedrijven en onderzoeksgroepen.",
        "target_groups": ["consortium", "small", "medium", "large", "knowledge_institution"],
        "rules": [
            ("min_companies", {"min_companies": 2}, True),
            ("min_partners", {"min": 1, "org_types": _KNOWLEDGE}, True),
        ],
    },
    "tina": {
        "summary": "Marktgedreven investeringsfonds van PMV (200 miljoen euro risicokapitaal) dat innovatie met strategisch potentieel versneld naar de markt brengt, altijd met marktpartijen als consortiumpartners; geen subsidie maar marktconform rendement.",
        "target_groups": ["consortium", "large", "medium"],
        "funding_rate_min": 30,
        "funding_rate_max": 50,
        "amount_max": 20000000,
        "source_section": "Tabel 4, voetnoot 57",
        "rules": [
            ("stage_in", {"values": ["demonstration", "market"]}, True),
            ("min_companies", {"min_companies": 2}, True),
        ],
    },
    "herculesfonds": {
        "summary": "Financiering van (gedeelde) onderzoeksinfrastructuur.",
        "target_groups": ["knowledge_institution"],
        "rules": [("org_type_in", {"values": _KNOWLEDGE}, True)],
    },
    "subsidiedatabank": {
        "summary": "Databank die het zoekproces naar (open) innovatiemiddelen ondersteunt.",
        "target_groups": _COMPANIES,
    },
    "von": {
        "summary": "Vlaams Ondernemerschapsbevorderend Netwerk: online verzamelplaats over gesubsidieerde projecten, met leerplatformen van projectdragers die kennis delen.",
        "target_groups": _COMPANIES,
    },
    "oproep-ondernemerschap": {
        "summary": "Oproep voor projecten die ondernemerschap bevorderen.",
        "target_groups": ["consortium", "social_profit"],
    },
    "strategische-transformatiesteun": {
        "summary": "Steun voor strategische transformatie van ondernemingen.",
        "target_groups": ["medium", "large"],
    },
    "kmo-portefeuille": {
        "summary": "Subsidie voor advies en opleiding van KMO's.",
        "target_groups": _SMES,
        "funding_rate_max": 30,
        "rules": [("size_class_in", {"values": _SMES}, True)],
        "open_continuous": True,
    },
    "competentiepolen": {
        "summary": "Competentiepolen en lichte structuren: sectorale netwerken die kennis bundelen en verspreiden.",
        "target_groups": _COMPANIES,
    },
    "innovatiecentra": {
        "summary": "Provinciale innovatiecentra (Vlaams Innovatienetwerk): front office voor KMO's, begeleiden ongeveer een derde van de IWT-dossiers.",
        "target_groups": _SMES,
    },
    "tto": {
        "summary": "Technology Transfer Offices van de universitaire associaties, met interfacemiddelen en IOF-mandatarissen.",
        "target_groups": [*_COMPANIES, "startup"],
    },
    "kenniscentra": {
        "summary": "Front offices en loketten van kenniscentra.",
        "target_groups": _COMPANIES,
    },
}

# Other instruments and structures named in the SERV advice, its annex 1, and the POM white paper.
# (slug, name, short, category, funder, level, source section, summary, target groups, rules)
OTHER = [
    (
        "iof",
        "Industrieel Onderzoeksfonds (IOF-mandatarissen, interfacemiddelen)",
        "IOF",
        "intermediary",
        "ewi",
        "flemish",
        SERV,
        "Bijlage 2.1",
        "Middelen voor valorisatie en samenwerking vanuit de universiteiten.",
        ["knowledge_institution"],
        [],
    ),
    (
        "innovatiepremie",
        "Innovatiepremie",
        "Innovatiepremie",
        "subsidy",
        "federal-government",
        "federal",
        SERV,
        "Voetnoot 14",
        "Een werkgever kan een financiële premie toekennen aan werknemers voor nieuwe ideeën.",
        _COMPANIES,
        [("org_type_in", {"values": _COMPANY_TYPES}, True)],
    ),
    (
        "participatiefonds-leningen",
        "Participatiefonds: Starteo, Startlening, Solidaire Lening, Business Angel+",
        "Participatiefonds",
        "investment",
        "participatiefonds",
        "federal",
        SERV,
        "Bijlage 1.3",
        "Achtergestelde leningen voor starters, met tegengarantie uit de KMO-waarborgfaciliteit.",
        ["startup", "micro", "small"],
        [("size_class_in", {"values": ["micro", "small"]}, True)],
    ),
    (
        "fp7",
        "Zevende Kaderprogramma (7KP)",
        "FP7",
        "subsidy",
        "ec",
        "european",
        SERV,
        "2.2.2.4",
        "EU-kaderprogramma voor onderzoek en technologische ontwikkeling 2007-2013.",
        ["consortium"],
        [("min_entities_countries", HE_CONSORTIUM, True)],
    ),
    (
        "cip",
        "Competitiveness and Innovation Framework Programme (CIP/EIP)",
        "CIP",
        "subsidy",
        "ec",
        "european",
        SERV,
        "Bijlage 1.3",
        "Programma 2007-2013 voor concurrentievermogen en innovatie; EIP was een van de drie subprogramma's.",
        _SMES,
        [],
    ),
    (
        "cohesiebeleid-efro",
        "Europees Fonds voor Regionale Ontwikkeling (EFRO)",
        "EFRO",
        "subsidy",
        "ec",
        "european",
        SERV,
        "Bijlage 1.1",
        "Structuurfonds van het Europese cohesiebeleid; in Vlaanderen beheerd door de afdeling Europa Economie (toen Agentschap Ondernemen).",
        ["consortium", "public_body", "social_profit"],
        [],
    ),
    (
        "esf",
        "Europees Sociaal Fonds (ESF)",
        "ESF",
        "subsidy",
        "esf-vlaanderen",
        "european",
        SERV,
        "Bijlage 1.1",
        "Structuurfonds voor werk en opleiding; in Vlaanderen via het ESF-Agentschap.",
        ["social_profit", "public_body", "consortium"],
        [],
    ),
    (
        "cohesiefonds",
        "Cohesiefonds (CF)",
        "CF",
        "subsidy",
        "ec",
        "european",
        SERV,
        "Bijlage 1.1",
        "Fonds van het cohesiebeleid voor lidstaten met een lager inkomen.",
        ["public_body"],
        [],
    ),
    (
        "h2020",
        "Horizon 2020",
        "H2020",
        "subsidy",
        "ec",
        "european",
        SERV,
        "Bijlage 1.2",
        "EU-programma voor onderzoek en innovatie 2014-2020; IWT en FWO zijn National Contact Point.",
        ["consortium", "knowledge_institution", *_COMPANIES],
        [("min_entities_countries", HE_CONSORTIUM, True)],
    ),
    (
        "eit",
        "European Institute of Innovation and Technology (EIT)",
        "EIT",
        "intermediary",
        "ec",
        "european",
        SERV,
        "Bijlage 1.2",
        "Kennis- en innovatiegemeenschappen van onderwijs, onderzoek en bedrijfsleven.",
        ["consortium"],
        [],
    ),
    (
        "cosme",
        "COSME",
        "COSME",
        "subsidy",
        "ec",
        "european",
        SERV,
        "Bijlage 1.3",
        "Programma 2014-2020 voor het concurrentievermogen van ondernemingen en KMO's (2,03 miljard euro), met financieringsinstrumenten en het Enterprise Europe Network.",
        [*_SMES, "startup"],
        [("size_class_in", {"values": _SMES}, True)],
    ),
    (
        "kmo-waarborgfaciliteit",
        "KMO-waarborgfaciliteit (COSME/CIP)",
        "Waarborgfaciliteit",
        "investment",
        "eif",
        "european",
        SERV,
        "Bijlage 1.3",
        "Co-, tegen- en directe waarborgen die risico delen met banken, beheerd door het Europees Investeringsfonds.",
        _SMES,
        [("size_class_in", {"values": _SMES}, True)],
    ),
    (
        "een",
        "Enterprise Europe Network (EEN)",
        "EEN",
        "intermediary",
        "ec",
        "european",
        SERV,
        "Bijlage 1.3",
        "Uniek loket voor informatie en partnerzoektochten voor KMO's.",
        _SMES,
        [],
    ),
    (
        "vlaio-bedrijfstrajecten",
        "VLAIO team bedrijfstrajecten",
        "VLAIO bedrijfstrajecten",
        "intermediary",
        "vlaio",
        "flemish",
        POM,
        "Starten met samenwerken",
        "Begeleidt nieuwkomers bij innovatie en samenwerking.",
        _SMES,
        [],
    ),
    (
        "speerpuntclusters",
        "Speerpuntclusters",
        "Speerpuntclusters",
        "intermediary",
        "vlaio",
        "flemish",
        POM,
        "Starten met samenwerken",
        "Clusterorganisaties waarin bedrijven samenwerken rond strategische domeinen.",
        _COMPANIES,
        [],
    ),
    (
        "innovatieve-bedrijfsnetwerken",
        "Innovatieve bedrijfsnetwerken",
        "IBN",
        "intermediary",
        "vlaio",
        "flemish",
        POM,
        "Starten met samenwerken",
        "Sectorale netwerken die samenwerking tussen bedrijven stimuleren.",
        _COMPANIES,
        [],
    ),
    (
        "kenniswijzer",
        "Kenniswijzer (POM West-Vlaanderen en TUA West)",
        "Kenniswijzer",
        "intermediary",
        "pom-wvl",
        "provincial",
        POM,
        "Starten met samenwerken",
        "Brengt West-Vlaamse bedrijven in contact met kennisinstellingen.",
        _COMPANIES,
        [("region_in", {"values": ["west_vlaanderen"]}, True)],
    ),
    (
        "fabrieken-voor-de-toekomst",
        "Fabrieken voor de Toekomst: QuickWins en cocreatietrajecten",
        "QuickWins",
        "awareness",
        "pom-wvl",
        "provincial",
        POM,
        "Starten met samenwerken",
        "Cocreatietrajecten binnen Machinebouw & Mechatronica en Circulaire materialen.",
        _COMPANIES,
        [
            ("region_in", {"values": ["west_vlaanderen"]}, True),
            (
                "theme_keywords",
                {"keywords": ["machine", "mechatron", "circula", "material", "materia"]},
                False,
            ),
        ],
    ),
    # Current EU programmes, to which the imported call topics belong.
    (
        "horizon-europe",
        "Horizon Europe (collaborative actions)",
        "Horizon Europe",
        "subsidy",
        "ec",
        "european",
        FT,
        "",
        "EU framework programme for research and innovation 2021-2027; standard collaborative actions need at least three independent legal entities from three different member states or associated countries.",
        ["consortium", "knowledge_institution", *_COMPANIES],
        [
            ("min_entities_countries", HE_CONSORTIUM, True),
            ("stage_in", {"values": ["research", "development", "demonstration"]}, True),
        ],
    ),
    (
        "eic-accelerator",
        "EIC Accelerator",
        "EIC Accelerator",
        "subsidy",
        "eismea",
        "european",
        FT,
        "",
        "Grant and equity for single SMEs and start-ups with breakthrough innovations.",
        ["startup", "micro", "small", "medium"],
        [
            ("size_class_in", {"values": _SMES}, True),
            ("stage_in", {"values": ["development", "demonstration", "market"]}, True),
            ("budget_range", {"min": 500000, "max": 17500000}, True),
        ],
    ),
    (
        "digital-europe",
        "Digital Europe Programme",
        "Digital Europe",
        "subsidy",
        "ec",
        "european",
        FT,
        "",
        "Deployment of digital capacities: AI, cybersecurity, skills, European Digital Innovation Hubs.",
        ["consortium", *_COMPANIES],
        [("theme_keywords", {"keywords": ["digital", "ai", "cyber", "data", "cloud"]}, False)],
    ),
    (
        "life",
        "LIFE Programme",
        "LIFE",
        "subsidy",
        "ec",
        "european",
        FT,
        "",
        "Environment and climate action.",
        ["consortium", "public_body", "social_profit", *_COMPANIES],
        [
            (
                "theme_keywords",
                {
                    "keywords": [
                        "climate",
                        "environment",
                        "nature",
                        "energy",
                        "circular",
                        "klimaat",
                        "milieu",
                    ]
                },
                False,
            )
        ],
    ),
    (
        "european-defence-fund",
        "European Defence Fund",
        "EDF",
        "subsidy",
        "ec",
        "european",
        FT,
        "",
        "Collaborative defence research and capability development.",
        ["consortium"],
        [
            (
                "min_entities_countries",
                {
                    "min_entities": 3,
                    "min_countries": 3,
                    "countries": sorted(EU_MEMBER_STATES | {"NO"}),
                },
                True,
            )
        ],
    ),
    (
        "euratom",
        "Euratom Research and Training Programme",
        "Euratom",
        "subsidy",
        "ec",
        "european",
        FT,
        "",
        "Nuclear research and training.",
        ["consortium", "knowledge_institution"],
        [("min_entities_countries", HE_CONSORTIUM, True)],
    ),
    (
        "cef",
        "Connecting Europe Facility",
        "CEF",
        "subsidy",
        "ec",
        "european",
        FT,
        "",
        "Trans-European networks for transport, energy and digital.",
        ["public_body", "consortium"],
        [],
    ),
]

# Topic programme name (as in the portal data) -> instrument slug.
PROGRAMME_INSTRUMENTS = {
    "Horizon Europe": "horizon-europe",
    "European Defence Fund": "european-defence-fund",
    "LIFE": "life",
    "Digital Europe": "digital-europe",
    "Euratom": "euratom",
    "Connecting Europe Facility": "cef",
}

# Intermediaries who help with instruments, as organisations (created when missing, public, never
# with contact persons). Funders such as VLAIO are not intermediaries. The seeds name the
# provincial innovation centres of the Flemish Innovation Network and the technology transfer
# offices of the university associations (SERV 2.2.3.3 and annex 2), POM West-Vlaanderen and TUA
# West (POM white paper, "Starten met samenwerken").
# (name, intermediary kind, region, website, description, instrument slugs, source)
_IC = (
    "Provinciaal innovatiecentrum van het Vlaams Innovatienetwerk (VIN), gecoördineerd door het "
    "IWT: front office dat KMO's doorverwijst en begeleidt bij steunaanvragen (SERV, 2013)."
)
_TTO = (
    "Technology Transfer Office van een universitaire associatie: begeleidt samenwerking met "
    "onderzoeksgroepen en spin-offs, met interfacemiddelen en IOF-mandatarissen (SERV, 2013)."
)
_IC_HELPS = ["innovatiecentra", "kmo-programma", "oo-subsidie"]
_TTO_HELPS = ["tto", "iof"]
INTERMEDIARIES = [
    ("Innovatiecentrum Antwerpen", "innovation_centre", "antwerpen", "", _IC, _IC_HELPS, SERV),
    ("Innovatiecentrum Limburg", "innovation_centre", "limburg", "", _IC, _IC_HELPS, SERV),
    (
        "Innovatiecentrum Oost-Vlaanderen",
        "innovation_centre",
        "oost_vlaanderen",
        "",
        _IC,
        _IC_HELPS,
        SERV,
    ),
    (
        "Innovatiecentrum Vlaams-Brabant",
        "innovation_centre",
        "vlaams_brabant",
        "",
        _IC,
        _IC_HELPS,
        SERV,
    ),
    (
        "Innovatiecentrum West-Vlaanderen",
        "innovation_centre",
        "west_vlaanderen",
        "",
        _IC,
        _IC_HELPS,
        SERV,
    ),
    (
        "Technology Transfer Office Associatie KU Leuven",
        "technology_transfer",
        "vlaams_brabant",
        "",
        _TTO,
        _TTO_HELPS,
        SERV,
    ),
    (
        "Technology Transfer Office Associatie Universiteit Gent",
        "technology_transfer",
        "oost_vlaanderen",
        "",
        _TTO,
        _TTO_HELPS,
        SERV,
    ),
    (
        "Technology Transfer Office Universitaire Associatie Brussel",
        "technology_transfer",
        "brussels",
        "",
        _TTO,
        _TTO_HELPS,
        SERV,
    ),
    (
        "Technology Transfer Office Associatie Universiteit & Hogescholen Antwerpen",
        "technology_transfer",
        "antwerpen",
        "",
        _TTO,
        _TTO_HELPS,
        SERV,
    ),
    (
        "Technology Transfer Office Associatie Universiteit-Hogescholen Limburg",
        "technology_transfer",
        "limburg",
        "",
        _TTO,
        _TTO_HELPS,
        SERV,
    ),
    (
        "POM West-Vlaanderen",
        "business_support",
        "west_vlaanderen",
        "https://www.pomwvl.be/",
        "Provinciale ontwikkelingsmaatschappij: Kenniswijzer (met TUA West), QuickWins en "
        "cocreatietrajecten binnen Machinebouw & Mechatronica en Circulaire materialen.",
        ["kenniswijzer", "fabrieken-voor-de-toekomst"],
        POM,
    ),
    (
        "TUA West",
        "technology_transfer",
        "west_vlaanderen",
        "https://tuawest.be/",
        "Brengt samen met POM West-Vlaanderen West-Vlaamse bedrijven in contact met "
        "kennisinstellingen (Kenniswijzer).",
        ["kenniswijzer"],
        POM,
    ),
]
