from django.http import Http404, HttpRequest
from ninja import Router

from loket.accounts.models import User
from loket.accounts.selectors import signed_in_user
from loket.lib.errors import ApplicationError
from loket.organisations.models import Organisation
from loket.referrals import selectors, services
from loket.referrals.models import Case
from loket.referrals.schemas import (
    CaseActionIn,
    CaseDetailOut,
    CaseIn,
    CaseOut,
    EventOut,
    IntermediaryOut,
    ProposalOut,
    RouteIn,
)

router = Router(tags=["referrals"])


def _case_out(case: Case) -> dict:
    return {
        "id": case.pk,
        "state": case.state,
        "question": case.question,
        "language": case.language,
        "topics": list(case.topics or []),
        "region": case.region,
        "holder_id": case.holder_id,
        "holder_name": case.holder.name,
        "created_at": case.created_at,
        "first_response_at": case.first_response_at,
        "closed_at": case.closed_at,
        "rating": case.rating,
    }


def _case_detail_out(case: Case, user) -> dict:
    access = selectors.case_access(case=case, user=user)
    events = [
        EventOut(
            kind=e.kind,
            from_state=e.from_state,
            to_state=e.to_state,
            body=e.body,
            internal=e.internal,
            organisation=e.actor_organisation.name if e.actor_organisation else None,
            created_at=e.created_at,
        )
        for e in selectors.case_events_for(case=case, access=access)
    ]
    return {
        **_case_out(case),
        "events": events,
        "held_by": [h.organisation.name for h in selectors.case_holdings(case=case)],
        "closing_summary": case.closing_summary,
        "outcome": case.outcome,
    }


@router.get(
    "/intermediaries",
    response=list[IntermediaryOut],
    auth=None,
    operation_id="cases_intermediaries",
)
def intermediaries(request: HttpRequest, region: str = "", service: str = ""):
    """Access: public. Listed intermediary profiles."""
    return [
        {
            "id": p.pk,
            "organisation_id": p.organisation_id,
            "name": p.organisation.name,
            "kind": p.organisation.intermediary_kind,
            "services": p.services,
            "target_groups": p.target_groups,
            "regions_served": p.regions_served,
            "languages": p.languages,
            "response_days": p.response_days,
            "accepts_cases": p.accepts_cases,
        }
        for p in selectors.intermediary_list(region=region[:20], service=service[:40])
    ]


@router.post("/route", response=list[ProposalOut], auth=None, operation_id="cases_route")
def route(request: HttpRequest, payload: RouteIn):
    """Access: public. The intermediaries best placed for a question, with reasons; stores nothing."""
    return [
        {
            "organisation_id": p.profile.organisation_id,
            "name": p.profile.organisation.name,
            "score": p.score,
            "reasons": p.reasons,
        }
        for p in selectors.intermediaries_rank(text=payload.question, region=payload.region)
    ]


@router.get("/", response=list[CaseOut], operation_id="cases_list")
def cases_list(request: HttpRequest):
    """Access: signed-in; the cases the user may see (asked by them or their organisation, or
    held by an intermediary they work for)."""
    user = signed_in_user(request)
    cases = Case.objects.visible_to(user).select_related("holder").order_by("-created_at")[:200]
    return [_case_out(case) for case in cases]


@router.post("/", response={201: CaseDetailOut}, operation_id="cases_open")
def cases_open(request: HttpRequest, payload: CaseIn):
    """Access: signed-in; asks a question, for the user or one of their organisations."""
    user = signed_in_user(request)
    organisation = holder = None
    if payload.organisation_id is not None:
        organisation = Organisation.objects.filter(
            pk=payload.organisation_id, memberships__user=user
        ).first()
        if organisation is None:
            raise ApplicationError("Unknown organisation.")
    if payload.holder_id is not None:
        holder = Organisation.objects.filter(pk=payload.holder_id).first()
        if holder is None:
            raise ApplicationError("Unknown intermediary.")
    case = services.case_open(
        question=payload.question,
        user=user,
        organisation=organisation,
        holder=holder,
        region=payload.region if payload.region else "",
        share_consent=payload.share_consent,
    )
    return 201, _case_detail_out(selectors.case_get_for(user=user, pk=case.pk), user)


@router.get("/{int:case_id}", response=CaseDetailOut, operation_id="cases_get")
def cases_get(request: HttpRequest, case_id: int):
    """Access: the requester, their organisation and staff of intermediaries that held the case
    (internal events only for them); 404 for everyone else."""
    user = signed_in_user(request)
    case = selectors.case_get_for(user=user, pk=case_id)
    return _case_detail_out(case, user)


@router.post("/{int:case_id}/actions", response=CaseDetailOut, operation_id="cases_act")
def cases_act(request: HttpRequest, case_id: int, payload: CaseActionIn):
    """Access: staff of the current holder for handling; the requester to rate or consent; 404
    for anyone who cannot see the case, 403 for a visible case the user may not act on."""
    user = signed_in_user(request)
    case = selectors.case_get_for(user=user, pk=case_id)
    action = payload.action
    if action == "triage":
        services.case_triage(case=case, user=user, note=payload.message)
    elif action == "assign":
        assignee = None
        if payload.assignee_id is not None:
            assignee = User.objects.filter(pk=payload.assignee_id).first()
            if assignee is None:
                raise ApplicationError("Unknown colleague.")
        services.case_assign(case=case, user=user, assignee=assignee)
    elif action == "respond":
        services.case_respond(case=case, user=user, message=payload.message)
    elif action == "answer":
        services.case_answer(case=case, user=user, message=payload.message)
    elif action == "reopen":
        services.case_reopen(case=case, user=user, message=payload.message)
    elif action == "close":
        services.case_close(case=case, user=user, summary=payload.message, outcome=payload.outcome)
    elif action == "refer":
        target = Organisation.objects.filter(pk=payload.to_organisation_id or 0).first()
        if target is None:
            raise ApplicationError("Unknown intermediary.")
        services.case_refer(case=case, user=user, to_organisation=target, reason=payload.message)
    elif action == "note":
        services.note_add(case=case, user=user, body=payload.message)
    elif action == "rate":
        services.case_rate(
            case=case, user=user, rating=payload.rating or 0, comment=payload.message
        )
    elif action == "consent":
        services.case_consent_give(case=case, user=user)
    else:  # pragma: no cover - the schema admits only the actions above
        raise Http404
    return _case_detail_out(selectors.case_get_for(user=user, pk=case_id), user)
