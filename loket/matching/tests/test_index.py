"""What the index reads from the database: passages and the seeker's neighbourhood."""

import datetime

import pytest

from loket.matching.index import MAX_PASSAGES, collaboration_graph, organisation_passages
from loket.organisations.models import Organisation, Participation, Project

pytestmark = pytest.mark.django_db


def test_passages_are_the_most_recent_projects_also_for_a_few_organisations(org_a, org_b):
    start = datetime.date(2000, 1, 1)
    for n in range(MAX_PASSAGES + 3):
        project = Project.objects.create(
            cordis_id=str(n),
            title=f"Project number {n}",
            programme="H2020",
            start_date=start + datetime.timedelta(days=30 * n),
        )
        Participation.objects.create(project=project, organisation=org_a, role="participant")
    Participation.objects.create(
        project=Project.objects.get(cordis_id="0"), organisation=org_b, role="participant"
    )
    everyone = organisation_passages()
    some = organisation_passages([org_a.pk, org_b.pk])
    assert some[org_a.pk] == everyone[org_a.pk]
    assert some[org_b.pk] == everyone[org_b.pk]
    assert "Project number 0" in some[org_b.pk]
    titles = [text for text in some[org_a.pk] if text.startswith("Project number")]
    assert len(titles) == MAX_PASSAGES
    assert titles[0] == f"Project number {MAX_PASSAGES + 2}"  # newest first
    assert "Project number 2" not in titles  # the three oldest are left out


def test_the_neighbourhood_holds_partners_of_partners_and_nobody_else(org_a, org_b):
    partner, far, stranger = (
        Organisation.objects.create(name=name, org_type="company", country="BE")
        for name in ("Partner", "Far", "Stranger")
    )
    first = Project.objects.create(cordis_id="1", title="One", programme="H2020")
    second = Project.objects.create(cordis_id="2", title="Two", programme="H2020")
    elsewhere = Project.objects.create(cordis_id="3", title="Three", programme="H2020")
    for project, organisation in [
        (first, org_a),
        (first, partner),
        (second, partner),
        (second, far),
        (elsewhere, stranger),
        (elsewhere, org_b),
    ]:
        Participation.objects.create(project=project, organisation=organisation, role="participant")
    graph = collaboration_graph([org_a.pk])
    assert set(graph.past_partners(str(org_a.pk))) == {str(partner.pk)}
    reach, via = graph.partners_of_partners(str(org_a.pk))
    assert str(far.pk) in reach and via[str(far.pk)] == str(partner.pk)
    assert str(stranger.pk) not in reach and str(org_b.pk) not in reach
