"""The starting concern, action and platform lists (DOMAIN.md); administrators can extend them."""

from django.db import migrations

CONCERNS = [
    ("running_away", "Fugue", "Running away"),
    ("psychological_suffering", "Souffrance psychologique", "Psychological suffering"),
    ("school_dropout", "Décrochage scolaire", "Dropping out of school"),
    ("drugs_alcohol", "Drogues / alcool", "Drugs / alcohol"),
    ("sexual_exploitation_signs", "Signes d'exploitation sexuelle", "Signs of sexual exploitation"),
    ("online_exposure", "Exposition / sollicitation en ligne", "Online exposure / solicitation"),
    ("no_stable_housing", "Sans hébergement stable", "No stable housing"),
    ("recruiter_present", "Présence d'un recruteur ou proxénète", "Presence of a recruiter or pimp"),
    ("violence", "Violences", "Violence"),
    ("health", "Santé", "Health"),
]

# (code, French, English, is an orientation)
ACTIONS = [
    ("prevention_talk", "Information et échange de prévention", "Information and prevention talk", False),
    ("prevention_material", "Matériel de prévention remis", "Prevention material handed out", False),
    ("direct_advice", "Conseil direct", "Direct advice", False),
    ("orientation", "Orientation vers un partenaire", "Orientation to a partner service", True),
    ("accompaniment", "Accompagnement physique", "Accompaniment", False),
    ("emergency_shelter", "Mise à l'abri", "Emergency shelter", False),
    ("ase_link", "Mise en lien avec l'ASE référente", "Link with the ASE service in charge", False),
    ("call_119", "Appel au 119", "Call to the 119", False),
    ("information_preoccupante", "Information préoccupante transmise", "Information préoccupante sent", False),
    ("prosecutor_report", "Signalement au procureur", "Report to the prosecutor", False),
]

PLATFORMS = [
    ("social_network", "Réseau social", "Social network"),
    ("messaging", "Messagerie", "Messaging"),
    ("classified_ads", "Site d'annonces / escort", "Classified-ad or escort site"),
    ("dating_app", "Application de rencontre", "Dating app"),
    ("gaming", "Jeu en ligne", "Online gaming"),
    ("other", "Autre", "Other"),
]


def load(apps, schema_editor):
    Concern = apps.get_model("outreach", "Concern")
    Action = apps.get_model("outreach", "Action")
    PlatformCategory = apps.get_model("outreach", "PlatformCategory")
    Concern.objects.bulk_create(
        Concern(code=c, label_fr=fr, label_en=en, position=i) for i, (c, fr, en) in enumerate(CONCERNS)
    )
    Action.objects.bulk_create(
        Action(code=c, label_fr=fr, label_en=en, position=i, is_orientation=o)
        for i, (c, fr, en, o) in enumerate(ACTIONS)
    )
    PlatformCategory.objects.bulk_create(
        PlatformCategory(code=c, label_fr=fr, label_en=en, position=i) for i, (c, fr, en) in enumerate(PLATFORMS)
    )


def unload(apps, schema_editor):
    for name in ("Concern", "Action", "PlatformCategory"):
        apps.get_model("outreach", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("outreach", "0002_territories")]
    operations = [migrations.RunPython(load, unload)]
