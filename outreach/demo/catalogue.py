"""What the demo world is made of: fictional organisations in real départements.

Names are invented (suffixed "démo"); places are real public landmarks at coarse coordinates.
Shares of concerns and actions follow the 119's first-year review (seeds/), scaled for street work.
"""

from __future__ import annotations

# (organisation, département, base of its street team, [(team, kinds)],
#  sectors: {sector: [(hotspot, kind, lat, lon)]})
ORGANISATIONS = [
    {
        "name": "Prévention Nord (démo)",
        # Where the street team's nights begin (routes can start there).
        "base": ("Local Prévention Nord, rue Solférino", 50.631, 3.055),
        "departement": "59",
        "teams": [("Lille nuit", "street"), ("Lille numérique", "digital")],
        "sectors": {
            "Gares Lille-Flandres / Europe": [
                ("Parvis Lille-Flandres", "station", 50.637, 3.071),
                ("Gare Lille-Europe", "station", 50.639, 3.075),
                ("Centre commercial Euralille", "shopping", 50.636, 3.074),
            ],
            "Wazemmes / Gambetta": [
                ("Place de la Nouvelle Aventure", "street", 50.625, 3.051),
                ("Rue Gambetta", "street", 50.628, 3.054),
            ],
            "Vieux-Lille nuit": [
                ("Rue Masséna", "nightlife", 50.632, 3.055),
                ("Rue Royale", "nightlife", 50.641, 3.059),
            ],
        },
    },
    {
        "name": "Maraudes Paris Centre (démo)",
        # Where the street team's nights begin (routes can start there).
        "base": ("Local Maraudes Paris Centre, rue de Dunkerque", 48.879, 2.350),
        "departement": "75",
        "teams": [("Paris Nord nuit", "street"), ("Paris numérique", "digital")],
        "sectors": {
            "Gare du Nord / Gare de l'Est": [
                ("Parvis Gare du Nord", "station", 48.881, 2.355),
                ("Gare de l'Est", "station", 48.876, 2.359),
                ("Boulevard de Magenta", "street", 48.879, 2.357),
            ],
            "Châtelet - Les Halles": [
                ("Forum des Halles", "shopping", 48.862, 2.346),
                ("Jardin Nelson-Mandela", "park", 48.861, 2.344),
            ],
            "Porte de la Chapelle": [("Porte de la Chapelle", "roadside", 48.898, 2.359)],
        },
    },
    {
        "name": "Aller-Vers 93 (démo)",
        # Where the street team's nights begin (routes can start there).
        "base": ("Local Aller-Vers 93, rue de la République", 48.937, 2.357),
        "departement": "93",
        "teams": [("Saint-Denis nuit", "street")],
        "sectors": {
            "Saint-Denis centre": [
                ("Gare de Saint-Denis", "station", 48.936, 2.357),
                ("Basilique - marché", "street", 48.935, 2.36),
            ],
            "Stade de France / Pleyel": [
                ("Abords Stade de France", "street", 48.924, 2.36),
                ("Carrefour Pleyel", "street", 48.919, 2.344),
            ],
        },
    },
    {
        "name": "Horizon Marseille (démo)",
        # Where the street team's nights begin (routes can start there).
        "base": ("Local Horizon, cours Belsunce", 43.299, 5.378),
        "departement": "13",
        "teams": [("Marseille centre nuit", "street"), ("Marseille numérique", "digital")],
        "sectors": {
            "Saint-Charles / Belsunce": [
                ("Gare Saint-Charles", "station", 43.303, 5.38),
                ("Cours Belsunce", "street", 43.299, 5.377),
            ],
            "Vieux-Port / Noailles": [
                ("Vieux-Port ombrière", "street", 43.295, 5.374),
                ("Marché de Noailles", "street", 43.296, 5.38),
            ],
            "Prado / plages": [("Plages du Prado", "park", 43.26, 5.375)],
        },
    },
]

FUNDERS = [
    # (name, funder kind, funded organisations, territory codes (level, code))
    ("Département du Nord (démo)", "departement", ["Prévention Nord (démo)"], [("departement", "59")]),
    (
        "État — Plan prostitution des mineurs (démo)",
        "state",
        [o["name"] for o in ORGANISATIONS],
        [("national", "FR")],
    ),
    ("Ville de Marseille (démo)", "city", ["Horizon Marseille (démo)"], [("departement", "13")]),
    (
        "Département de la Seine-Saint-Denis (démo)",
        "departement",
        ["Aller-Vers 93 (démo)"],
        [("departement", "93")],
    ),
]

# (name, category, département code or None for national, open at night, accepts minors alone, phone, hours)
PARTNERS = [
    ("Allô Enfance en Danger — 119", "hotline", None, True, True, "119", "24/7"),
    (
        "Cellule de recueil des informations préoccupantes (CRIP)",
        "child_welfare",
        "*",
        False,
        True,
        "",
        "Mo-Fr 09:00-17:00",
    ),
    ("Service d'accueil d'urgence ASE", "shelter", "*", True, True, "", "24/7"),
    ("CeGIDD — dépistage et santé sexuelle", "health", "*", False, True, "", "Mo-Fr 10:00-18:00"),
    ("Maison des adolescents", "health", "*", False, True, "", "Mo-Sa 10:00-19:00"),
    ("Brigade de protection des mineurs", "police_justice", "*", True, True, "17", "24/7"),
    (
        "Association spécialisée prostitution des mineurs",
        "specialised",
        "*",
        False,
        True,
        "",
        "Tu-Sa 14:00-22:00",
    ),
]

AGE_BANDS = [("under_13", 4), ("13_14", 18), ("15_17", 52), ("18_21", 20), ("unknown", 6)]
GENDERS = [("girl", 84), ("boy", 11), ("other", 2), ("unknown", 3)]
KNOWN_TO_ASE = [("yes", 55), ("no", 18), ("unknown", 27)]

# Probability that an exchange-level contact raises each concern (119 review: 86/84/70/51 %, others lower).
CONCERN_SHARES = {
    "psychological_suffering": 0.86,
    "running_away": 0.84,
    "school_dropout": 0.70,
    "drugs_alcohol": 0.51,
    "sexual_exploitation_signs": 0.40,
    "online_exposure": 0.35,
    "no_stable_housing": 0.30,
    "recruiter_present": 0.15,
    "violence": 0.20,
    "health": 0.25,
}
# 119 review: IP 87 %, direct advice 51 %, ASE link 51 %, documentation 45 %, local orientation 30 %.
ACTION_SHARES = {
    "prevention_talk": 0.90,
    "information_preoccupante": 0.87,
    "direct_advice": 0.51,
    "ase_link": 0.51,
    "prevention_material": 0.45,
    "orientation": 0.30,
    "accompaniment": 0.08,
    "emergency_shelter": 0.05,
    "call_119": 0.06,
    "prosecutor_report": 0.03,
}
PLATFORMS = [
    ("social_network", 40),
    ("messaging", 20),
    ("classified_ads", 20),
    ("dating_app", 12),
    ("gaming", 8),
]
REQUESTS = [
    ("none", 30),
    ("daily_life", 20),
    ("safety", 15),
    ("health", 12),
    ("housing", 10),
    ("legal", 5),
    ("exploitation", 8),
]
NOTES = [
    "Échange calme, carte du 119 remise.",
    "Jeune fatiguée, proposition de revenir demain.",
    "Présence d'un adulte à distance, échange bref.",
    "Accepte le numéro de la permanence.",
    "Demande des informations sur le dépistage.",
]


# The demo's shared authenticator key (hex), given to every demo coordinator, funder and
# administrator. Known to anyone, like the demo password: demo data only.
DEMO_TOTP_KEY = "4d6172617564652064656d6f20324641206b6579"


def demo_totp_code(*, steps_ahead: int = 0) -> str:
    """The code the demo authenticator shows now (or `steps_ahead` periods of 30 s later)."""
    from binascii import unhexlify

    from django_otp.oath import totp

    return f"{totp(unhexlify(DEMO_TOTP_KEY), step=30, t0=-30 * steps_ahead, digits=6):06d}"
