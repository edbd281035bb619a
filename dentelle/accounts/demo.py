"""Demo organisation: the Île-de-France Region, a few buyer services, one user per role."""

from dentelle.accounts.models import BuyerService, Organisation, OrganisationKind, User
from dentelle.core.roles import Role

DEMO_PASSWORD = "dentelle-demo"
ORGANISATION = "Région Île-de-France"
SERVICES = [
    ("Direction des lycées", "DL"),
    ("Direction de l'enseignement supérieur et de la recherche", "DESR"),
    ("Direction du patrimoine et des moyens généraux", "DPMG"),
    ("Direction de la formation professionnelle", "DFP"),
    ("Direction des transports", "DT"),
]
USERS = [
    ("direction", "Dominique", "Directrice", Role.DIRECTION, None),
    ("acheteuse-responsable", "Camille", "Achats responsables", Role.PURCHASING_OFFICER, None),
    ("acheteur-lycees", "Karim", "Acheteur DL", Role.BUYER, "DL"),
    ("facilitatrice", "Nadia", "Facilitatrice", Role.FACILITATOR, None),
    ("membre-siae", "Léa", "Membre SIAE", Role.SIAE_MEMBER, None),
    ("lecteur", "Paul", "Lecteur", Role.READER, None),
]


def demo_organisation():
    organisation, _ = Organisation.objects.get_or_create(
        name=ORGANISATION,
        defaults={"kind": OrganisationKind.REGION, "siret": "23750007900312", "region_code": "11"},
    )
    return organisation


def load_demo_organisation(stdout):
    organisation = demo_organisation()
    services = {}
    for name, code in SERVICES:
        services[code], _ = BuyerService.objects.get_or_create(
            organisation=organisation, name=name, defaults={"code": code}
        )
    for username, first, last, role, service_code in USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "role": role,
                "organisation": organisation,
                "buyer_service": services.get(service_code),
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@localhost", DEMO_PASSWORD, organisation=organisation)
    stdout.write(f"  Comptes de démonstration (mot de passe « {DEMO_PASSWORD} ») :")
    for username, _, _, role, _ in USERS:
        stdout.write(f"    {username:<24} {role.label}")
    stdout.write(f"    {'admin':<24} Administrateur (/admin/)")
