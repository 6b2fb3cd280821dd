import pytest
from django.core.exceptions import ValidationError

from loket.lib.errors import ApplicationError
from loket.organisations import services
from loket.organisations.models import ContactPerson, Membership, MembershipRole, Organisation

PROFILE = {
    "name": "Fietsfabriek Brugge",
    "short_name": "FFB",
    "org_type": "startup",
    "size_class": "micro",
    "enterprise_number": "0203.201.340",
    "nace_code": "30",
    "region": "west_vlaanderen",
    "nuts_code": "be251",
    "country": "be",
    "city": "Brugge",
    "website": "https://fietsfabriek.example",
    "description": "Wij bouwen elektrische bakfietsen.",
    "offers": "Prototypes",
    "seeks": "Batterijpartners",
    "expertise_tags": ["bakfietsen", "batterijen", "bakfietsen"],
    "languages": ["nl", "en"],
    "visibility": "public",
}


def test_create_makes_creator_admin_and_normalises(anna):
    organisation = services.organisation_create(
        user=anna, data=PROFILE, innovation_types=["product_performance", "service"]
    )
    assert Membership.objects.get(organisation=organisation).role == MembershipRole.ADMIN
    assert organisation.enterprise_number == "0203201340"
    assert organisation.nuts_code == "BE251"
    assert organisation.country == "BE"
    assert organisation.expertise_tags == ["bakfietsen", "batterijen"]
    assert sorted(organisation.innovation_types.values_list("code", flat=True)) == [
        "product_performance",
        "service",
    ]
    assert organisation.source == "manual"


def test_create_ignores_fields_users_may_not_set(anna):
    data = {**PROFILE, "source": "cordis", "cordis_pic": "999999999", "project_count": 7}
    organisation = services.organisation_create(user=anna, data=data)
    assert organisation.source == "manual"
    assert organisation.cordis_pic is None
    assert organisation.project_count == 0


def test_invalid_enterprise_number_is_refused_and_nothing_saved(anna):
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_create(user=anna, data={**PROFILE, "enterprise_number": "0203201341"})
    assert "enterprise_number" in excinfo.value.error_dict
    assert not Organisation.objects.filter(name=PROFILE["name"]).exists()
    assert (
        not Membership.objects.filter(user=anna).exclude(organisation__name="Acme Sensors").exists()
    )


def test_enterprise_number_is_unique(anna, chloe):
    services.organisation_create(user=anna, data=PROFILE)
    with pytest.raises(ValidationError):
        services.organisation_create(user=chloe, data={**PROFILE, "name": "Copycat"})


def test_profile_change_refreshes_search_document(anna, org_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.organisation_update(
            user=anna, organisation=org_a, data={"offers": "Samenwerkingen rond sensoren"}
        )
    assert callbacks
    org_a.refresh_from_db()
    assert "samenwerk" in org_a.search_document


def test_only_admins_update(bram, chloe, org_a):
    for user in (bram, chloe):
        with pytest.raises(ApplicationError):
            services.organisation_update(user=user, organisation=org_a, data={"name": "Hacked"})
    org_a.refresh_from_db()
    assert org_a.name == "Acme Sensors"


def test_update_clears_intermediary_kind_for_other_types(anna, org_a):
    services.organisation_update(
        user=anna,
        organisation=org_a,
        data={"org_type": "company", "intermediary_kind": "business_support"},
    )
    org_a.refresh_from_db()
    assert org_a.intermediary_kind == ""


def test_last_admin_cannot_leave_or_be_demoted(anna, bram, org_a):
    admin = Membership.objects.get(user=anna, organisation=org_a)
    with pytest.raises(services.LastAdminError):
        services.membership_remove(user=anna, membership=admin)
    with pytest.raises(services.LastAdminError):
        services.membership_role_change(user=anna, membership=admin, role="member")
    admin.refresh_from_db()
    assert admin.role == "admin"

    member = Membership.objects.get(user=bram, organisation=org_a)
    services.membership_role_change(user=anna, membership=member, role="admin")
    services.membership_role_change(user=bram, membership=admin, role="member")
    admin.refresh_from_db()
    assert admin.role == "member"


def test_members_cannot_remove_others_but_can_leave(anna, bram, org_a):
    admin = Membership.objects.get(user=anna, organisation=org_a)
    member = Membership.objects.get(user=bram, organisation=org_a)
    with pytest.raises(ApplicationError):
        services.membership_remove(user=bram, membership=admin)
    with pytest.raises(ApplicationError):
        services.membership_role_change(user=bram, membership=member, role="admin")
    services.membership_remove(user=bram, membership=member)
    assert not Membership.objects.filter(pk=member.pk).exists()
    assert Membership.objects.filter(pk=admin.pk).exists()


def test_admin_removes_member(anna, bram, org_a):
    member = Membership.objects.get(user=bram, organisation=org_a)
    services.membership_remove(user=anna, membership=member)
    assert not Membership.objects.filter(user=bram).exists()


def test_contacts_are_managed_by_admins_only(anna, bram, org_a):
    contact = services.contact_create(
        user=anna, organisation=org_a, data={"name": "Ann Peeters", "email": "ann@acme.example"}
    )
    with pytest.raises(ApplicationError):
        services.contact_update(user=bram, contact=contact, data={"name": "X"})
    with pytest.raises(ApplicationError):
        services.contact_delete(user=bram, contact=contact)
    with pytest.raises(ValidationError):
        services.contact_update(user=anna, contact=contact, data={"email": "not-an-email"})
    contact.refresh_from_db()
    assert (contact.name, contact.email) == ("Ann Peeters", "ann@acme.example")
    services.contact_delete(user=anna, contact=contact)
    assert not ContactPerson.objects.exists()
