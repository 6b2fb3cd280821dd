"""Demo organisation and accounts for `make run` (bootstrap_demo). Never used in production.

The passwords are generated once and kept in ``VAR_DIR/demo_logins.json`` (mode 0600), so the
logins printed on every start stay the same; delete that file to get new ones.
"""

from __future__ import annotations

import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from allauth.account.models import EmailAddress
from django.db import transaction

from loket.accounts.models import User
from loket.organisations.models import (
    InnovationType,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationType,
    SizeClass,
    Source,
    Visibility,
)
from loket.organisations.search import search_documents_refresh

DEMO_ORGANISATION_NAME = "Vandewalle Vlastechniek (demo)"
DEMO_USER_EMAIL = "demo@loket.example"
DEMO_CURATOR_EMAIL = "curator@loket.example"
CREDENTIALS_FILE = "demo_logins.json"

DEMO_PROFILE = {
    "short_name": "Vandewalle",
    "org_type": OrganisationType.COMPANY,
    "size_class": SizeClass.SMALL,
    "is_sme": True,
    "nace_code": "13",
    "region": "west_vlaanderen",
    "nuts_code": "BE254",
    "country": "BE",
    "city": "Kortrijk",
    "description": (
        "Familiebedrijf uit Kortrijk dat vlas- en hennepvezels verwerkt tot technisch textiel en "
        "composietversterkingen voor de automobiel- en bouwsector. Met 23 medewerkers combineren "
        "we de vlastraditie van de Leiestreek met nieuwe biogebaseerde materialen."
    ),
    "offers": (
        "Een pilootlijn voor het kaarden en naaldvilten van natuurvezels, proefproductie van kleine "
        "series en kennis van vlasteelt en -verwerking."
    ),
    "seeks": (
        "Onderzoekspartners voor vuurvertragende, biogebaseerde harsen en een bouwbedrijf dat "
        "gevelpanelen uit vlascomposiet wil testen."
    ),
    "expertise_tags": ["vlas", "natuurvezels", "composieten", "technisch textiel", "circulair"],
    "languages": ["nl", "en", "fr"],
    "visibility": Visibility.PUBLIC,
    "source": Source.MANUAL,
}


@dataclass(frozen=True)
class DemoLogin:
    email: str
    password: str
    description: str


def demo_organisation_ensure() -> Organisation:
    """The West Flemish demo SME; created once, left alone afterwards (it may have been edited)."""
    organisation = (
        Organisation.objects.filter(
            memberships__user__email=DEMO_USER_EMAIL, memberships__role=MembershipRole.ADMIN
        )
        .order_by("pk")
        .first()
    ) or Organisation.objects.filter(name=DEMO_ORGANISATION_NAME).order_by("pk").first()
    if organisation is not None:
        return organisation
    with transaction.atomic():
        organisation = Organisation(name=DEMO_ORGANISATION_NAME, **DEMO_PROFILE)
        organisation.full_clean()
        organisation.save()
        organisation.innovation_types.set(
            InnovationType.objects.filter(code__in=["product_performance", "process", "network"])
        )
    search_documents_refresh(organisation_ids=[organisation.pk])
    return organisation


def _read_passwords(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_passwords(path: Path, passwords: dict[str, str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(passwords, handle, indent=2)
    os.replace(temporary, path)


def _demo_user_ensure(email: str, password: str, **fields: object) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, **fields)
    else:
        changed = [name for name, value in fields.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, fields[name])
        if not user.check_password(password):
            user.set_password(password)
            changed.append("password")
        if changed:
            user.save(update_fields=changed)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def demo_accounts_ensure(*, organisation: Organisation, var_dir: Path) -> list[DemoLogin]:
    """A verified admin of the demo organisation and a curator (staff), with stable passwords."""
    path = var_dir / CREDENTIALS_FILE
    passwords = _read_passwords(path)
    emails = [DEMO_USER_EMAIL, DEMO_CURATOR_EMAIL]
    if any(email not in passwords for email in emails):
        for email in emails:
            passwords.setdefault(email, secrets.token_urlsafe(12))
        _write_passwords(path, passwords)
    with transaction.atomic():
        demo = _demo_user_ensure(
            DEMO_USER_EMAIL,
            passwords[DEMO_USER_EMAIL],
            first_name="Dirk",
            last_name="Vandewalle",
            is_active=True,
        )
        Membership.objects.update_or_create(
            user=demo, organisation=organisation, defaults={"role": MembershipRole.ADMIN}
        )
        _demo_user_ensure(
            DEMO_CURATOR_EMAIL,
            passwords[DEMO_CURATOR_EMAIL],
            first_name="Cato",
            last_name="Curator",
            is_staff=True,
            is_active=True,
        )
    return [
        DemoLogin(DEMO_USER_EMAIL, passwords[DEMO_USER_EMAIL], f"admin of {organisation.name}"),
        DemoLogin(DEMO_CURATOR_EMAIL, passwords[DEMO_CURATOR_EMAIL], "curator (staff)"),
    ]
