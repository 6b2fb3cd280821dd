from django.urls import reverse

from loket.organisations.models import ContactPerson, Membership, Organisation

FORM = {
    "name": "Fietsfabriek Brugge",
    "short_name": "FFB",
    "org_type": "intermediary",
    "intermediary_kind": "business_support",
    "size_class": "micro",
    "enterprise_number": "BE 0203.201.340",
    "nace_code": "30",
    "region": "west_vlaanderen",
    "nuts_code": "BE251",
    "country": "BE",
    "city": "Brugge",
    "website": "https://fietsfabriek.example",
    "description": "Wij bouwen elektrische bakfietsen.",
    "offers": "Prototypes",
    "seeks": "Batterijpartners",
    "expertise_tags": "bakfietsen,  batterijen , ,bakfietsen",
    "innovation_types": ["product_performance", "network"],
    "languages": ["nl", "fr"],
    "visibility": "members",
}


def test_create_profile_through_the_form(client_for, chloe):
    client = client_for(chloe)
    assert client.get(reverse("organisations:organisation-create")).status_code == 200
    response = client.post(
        reverse("organisations:organisation-create"),
        {**FORM, "source": "cordis", "claimed": "false", "cordis_pic": "123", "is_staff": "1"},
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="Fietsfabriek Brugge")
    assert response["Location"] == reverse(
        "organisations:organisation-manage", args=[organisation.pk]
    )
    assert organisation.enterprise_number == "0203201340"
    assert organisation.expertise_tags == ["bakfietsen", "batterijen"]
    assert organisation.languages == ["nl", "fr"]
    assert organisation.intermediary_kind == "business_support"
    assert set(organisation.innovation_types.values_list("code", flat=True)) == {
        "product_performance",
        "network",
    }
    assert (organisation.source, organisation.cordis_pic) == ("manual", None)
    assert Membership.objects.get(organisation=organisation).user == chloe
    chloe.refresh_from_db()
    assert not chloe.is_staff
    page = client.get(response["Location"]).content.decode()
    assert "bakfietsen" in page and "0203201340" in page


def test_bad_input_rerenders_with_messages_and_keeps_input(client_for, chloe):
    response = client_for(chloe).post(
        reverse("organisations:organisation-create"),
        {
            **FORM,
            "enterprise_number": "0203.201.341",
            "website": "not a url",
            "country": "Belgium",
            "org_type": "spaceship",
            "nace_code": "00",
            "innovation_types": ["nonsense"],
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    for field in [
        "enterprise_number",
        "website",
        "country",
        "org_type",
        "nace_code",
        "innovation_types",
    ]:
        assert field in form.errors, field
    content = response.content.decode()
    assert "not a valid Belgian enterprise number" in content
    assert "Wij bouwen elektrische bakfietsen." in content  # what was typed is kept
    assert "bakfietsen,  batterijen" in content
    assert not Organisation.objects.filter(name="Fietsfabriek Brugge").exists()


def test_intermediary_needs_a_kind(client_for, chloe):
    response = client_for(chloe).post(
        reverse("organisations:organisation-create"), {**FORM, "intermediary_kind": ""}
    )
    assert response.status_code == 200
    assert "intermediary_kind" in response.context["form"].errors


def test_duplicate_enterprise_number_is_a_form_error(client_for, anna, chloe, org_a):
    Organisation.objects.filter(pk=org_a.pk).update(enterprise_number="0203201340")
    response = client_for(chloe).post(reverse("organisations:organisation-create"), FORM)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Organisation.objects.filter(enterprise_number="0203201340").count() == 1


def test_script_in_text_fields_is_escaped(client_for, anna, org_a):
    client = client_for(anna)
    payload = '<script>alert("x")</script><img src=x onerror=alert(1) hx-get="/admin/">'
    data = {**FORM, "name": "Acme " + payload, "description": payload}
    data["expertise_tags"] = "<script>alert(1)</script>, ok"
    data.pop("enterprise_number")
    response = client.post(reverse("organisations:organisation-edit", args=[org_a.pk]), data)
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.description == payload
    for url in [
        reverse("organisations:organisation-manage", args=[org_a.pk]),
        reverse("organisations:organisation-edit", args=[org_a.pk]),
        reverse("organisations:organisation-mine"),
        reverse("accounts:account"),
    ]:
        content = client.get(url).content.decode()
        assert "<script>alert" not in content, url
        assert "<img src=x" not in content, url


def test_admin_edits_member_views_but_cannot_edit(client_for, anna, bram, org_a):
    edit = reverse("organisations:organisation-edit", args=[org_a.pk])
    assert client_for(anna).get(edit).status_code == 200
    member = client_for(bram)
    page = member.get(reverse("organisations:organisation-manage", args=[org_a.pk]))
    assert page.status_code == 200
    assert edit not in page.content.decode()
    assert member.get(edit).status_code == 403
    assert member.post(edit, {**FORM, "name": "Bram was here"}).status_code == 403
    org_a.refresh_from_db()
    assert org_a.name == "Acme Sensors"


def test_edit_keeps_unchanged_values(client_for, anna, org_a):
    client = client_for(anna)
    form = client.get(reverse("organisations:organisation-edit", args=[org_a.pk])).context["form"]
    data = {
        key: value
        for key, value in form.initial.items()
        if key in form.fields and value not in (None, "")
    }
    data["expertise_tags"] = ", ".join(org_a.expertise_tags)
    data["offers"] = "Nieuwe sensoren"
    response = client.post(reverse("organisations:organisation-edit", args=[org_a.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    org_a.refresh_from_db()
    assert org_a.offers == "Nieuwe sensoren"
    assert org_a.description.startswith("Wij ontwikkelen")
    assert org_a.region == "west_vlaanderen"


def test_contact_persons(client_for, anna, org_a):
    client = client_for(anna)
    response = client.post(
        reverse("organisations:contact-create", args=[org_a.pk]),
        {"name": "Ann Peeters", "role": "CTO", "email": "ann@acme.example", "organisation": 12345},
    )
    assert response.status_code == 302
    contact = ContactPerson.objects.get()
    assert contact.organisation == org_a
    response = client.post(
        reverse("organisations:contact-edit", args=[org_a.pk, contact.pk]),
        {"name": "Ann Peeters", "email": "broken"},
    )
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.email == "ann@acme.example"
    client.post(
        reverse("organisations:contact-edit", args=[org_a.pk, contact.pk]),
        {"name": "Ann Peeters-Janssens", "email": "ann@acme.example"},
    )
    contact.refresh_from_db()
    assert contact.name == "Ann Peeters-Janssens"
    client.post(reverse("organisations:contact-delete", args=[org_a.pk, contact.pk]))
    assert not ContactPerson.objects.exists()


def test_members_page_role_change_and_last_admin(
    client_for, anna, bram, org_a, django_assert_max_num_queries
):
    client = client_for(anna)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("organisations:member-list", args=[org_a.pk]))
    assert "bram@acme.example" in page.content.decode()
    admin = Membership.objects.get(user=anna)
    member = Membership.objects.get(user=bram)

    response = client.post(reverse("organisations:member-remove", args=[org_a.pk, admin.pk]))
    assert response.status_code == 302
    assert Membership.objects.filter(pk=admin.pk).exists()
    client.post(reverse("organisations:member-role", args=[org_a.pk, admin.pk]), {"role": "member"})
    admin.refresh_from_db()
    assert admin.role == "admin"

    client.post(reverse("organisations:member-role", args=[org_a.pk, member.pk]), {"role": "bogus"})
    member.refresh_from_db()
    assert member.role == "member"
    client.post(reverse("organisations:member-role", args=[org_a.pk, member.pk]), {"role": "admin"})
    member.refresh_from_db()
    assert member.role == "admin"
    client.post(reverse("organisations:member-remove", args=[org_a.pk, member.pk]))
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_member_can_leave_but_not_change_roles(client_for, anna, bram, org_a):
    member = Membership.objects.get(user=bram)
    admin = Membership.objects.get(user=anna)
    client = client_for(bram)
    assert (
        client.post(
            reverse("organisations:member-role", args=[org_a.pk, member.pk]), {"role": "admin"}
        ).status_code
        == 403
    )
    assert (
        client.post(reverse("organisations:member-remove", args=[org_a.pk, admin.pk])).status_code
        == 404
    )
    member.refresh_from_db()
    assert member.role == "member"
    assert Membership.objects.filter(pk=admin.pk).exists()
    response = client.post(reverse("organisations:member-remove", args=[org_a.pk, member.pk]))
    assert response["Location"] == reverse("organisations:organisation-mine")
    assert not Membership.objects.filter(pk=member.pk).exists()


def test_my_organisations_lists_only_own(
    client_for, anna, chloe, org_a, org_b, django_assert_max_num_queries
):
    client = client_for(anna)
    with django_assert_max_num_queries(8):
        content = client.get(reverse("organisations:organisation-mine")).content.decode()
    assert "Acme Sensors" in content
    assert "Beta Logistics" not in content
