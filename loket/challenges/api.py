"""Challenges API. Same selectors and policy as the pages; no route returns a model directly."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from loket.accounts.selectors import signed_in_user
from loket.challenges import selectors, services
from loket.challenges.models import ExpressionOfInterest
from loket.challenges.schemas import (
    ChallengeIn,
    ChallengeListOut,
    ChallengeOut,
    ChallengePatch,
    CloseIn,
    DecisionIn,
    InterestIn,
    InterestOut,
    MessageIn,
    MessageOut,
    NdaAcceptanceOut,
    NdaAcceptIn,
    NotificationOut,
)
from loket.lib.errors import ApplicationError
from loket.organisations.models import Organisation

router = Router(tags=["challenges"])


class ListFilter(Schema):
    q: str = ""
    kind: str = ""
    region: str = ""
    partner_type: str = ""
    size_class: str = ""
    language: str = ""
    innovation_type: str = ""
    closed: bool = False
    limit: int = 20
    offset: int = 0


class ValidationFailed(ApplicationError):
    status_code = 422


def _validated(call):  # type: ignore[no-untyped-def]
    try:
        return call()
    except ValidationError as exc:
        raise ValidationFailed(
            "Invalid data", extra={"errors": getattr(exc, "message_dict", {"": exc.messages})}
        ) from exc


def _own_organisation(request: HttpRequest, pk: int) -> Organisation:
    organisation = selectors.user_organisations(user=signed_in_user(request)).filter(pk=pk).first()
    if organisation is None:
        raise Http404
    return organisation


def _invited(request: HttpRequest, ids: list[int] | None) -> list[Organisation] | None:
    if ids is None:
        return None
    found = list(Organisation.objects.listed_for(signed_in_user(request)).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise ValidationFailed("Unknown organisation in invited_organisation_ids")
    return found


def _present(request: HttpRequest, pk: int) -> dict:
    challenge = selectors.challenge_get_for(user=signed_in_user(request), pk=pk)
    return selectors.challenge_present(challenge, challenge.access)  # type: ignore[attr-defined]


def _interest_out(interest: ExpressionOfInterest) -> dict:
    return {
        "id": interest.pk,
        "challenge_id": interest.challenge_id,
        "organisation_id": interest.organisation_id,
        "organisation_name": interest.organisation.name,
        "message": interest.message,
        "status": interest.status,
        "nda_required": interest.nda_required,
        "nda_text_sha256": interest.nda_text.sha256 if interest.nda_text else None,
        "created_at": interest.created_at,
    }


@router.get("/", response=ChallengeListOut, operation_id="challenges_list")
def challenges_list(request: HttpRequest, filters: Query[ListFilter]):
    """Access: signed-in users (token or session). Teasers the user may see, with facet counts."""
    user = signed_in_user(request)
    params = selectors.SearchParams(
        query=filters.q[:200],
        kind=filters.kind,
        region=filters.region,
        partner_type=filters.partner_type,
        size_class=filters.size_class,
        language=filters.language,
        innovation_type=filters.innovation_type,
        include_closed=filters.closed,
    )
    queryset = selectors.challenge_list(user=user, params=params)
    limit = max(1, min(filters.limit, 100))
    offset = max(0, filters.offset)
    page = list(queryset[offset : offset + limit])
    return {
        "count": queryset.count(),
        "items": selectors.challenge_cards_for(user=user, challenges=page),
        "facets": selectors.challenge_facets(user=user, params=params),
    }


@router.get("/{int:pk}", response=ChallengeOut, operation_id="challenges_get")
def challenges_get(request: HttpRequest, pk: int):
    """Access: by policy: teaser fields for those who may see it; details etc. null unless open."""
    return _present(request, pk)


@router.post("/", response={201: ChallengeOut}, operation_id="challenges_create")
def challenges_create(request: HttpRequest, payload: ChallengeIn):
    """Access: members of organisation_id; saved as a draft."""
    user = signed_in_user(request)
    organisation = _own_organisation(request, payload.organisation_id)
    data = payload.dict(exclude={"organisation_id", "innovation_types", "invited_organisation_ids"})
    challenge = _validated(
        lambda: services.challenge_create(
            user=user,
            organisation=organisation,
            data=data,
            innovation_types=payload.innovation_types,
            invited=_invited(request, payload.invited_organisation_ids),
        )
    )
    return 201, _present(request, challenge.pk)


@router.patch("/{int:pk}", response=ChallengeOut, operation_id="challenges_update")
def challenges_update(request: HttpRequest, pk: int, payload: ChallengePatch):
    """Access: members of the posting organisation; others 404."""
    user = signed_in_user(request)
    challenge = selectors.challenge_get_for(user=user, pk=pk, write=True)
    data = payload.dict(
        exclude_unset=True, exclude={"version", "innovation_types", "invited_organisation_ids"}
    )
    _validated(
        lambda: services.challenge_update(
            user=user,
            challenge=challenge,
            data=data,
            version=payload.version,
            innovation_types=payload.innovation_types,
            invited=_invited(request, payload.invited_organisation_ids),
        )
    )
    return _present(request, pk)


@router.post("/{int:pk}/publish", response=ChallengeOut, operation_id="challenges_publish")
def challenges_publish(request: HttpRequest, pk: int):
    """Access: members of the posting organisation; others 404."""
    user = signed_in_user(request)
    challenge = selectors.challenge_get_for(user=user, pk=pk, write=True)
    services.challenge_publish(user=user, challenge=challenge)
    return _present(request, pk)


@router.post("/{int:pk}/close", response=ChallengeOut, operation_id="challenges_close")
def challenges_close(request: HttpRequest, pk: int, payload: CloseIn):
    """Access: members of the posting organisation; others 404."""
    user = signed_in_user(request)
    challenge = selectors.challenge_get_for(user=user, pk=pk, write=True)
    partner = None
    if payload.partner_interest_id is not None:
        partner = challenge.interests.filter(pk=payload.partner_interest_id).first()
        if partner is None:
            raise Http404
    services.challenge_close(
        user=user, challenge=challenge, reason=payload.reason, partner_interest=partner
    )
    return _present(request, pk)


@router.get(
    "/{int:pk}/interests", response=list[InterestOut], operation_id="challenges_interests_list"
)
def challenges_interests_list(request: HttpRequest, pk: int):
    """Access: the poster sees all interests, an interested organisation its own; others 404."""
    user = signed_in_user(request)
    challenge = selectors.challenge_get_for(user=user, pk=pk)
    return [_interest_out(i) for i in selectors.interests_for(user=user, challenge=challenge)]


@router.post(
    "/{int:pk}/interests", response={201: InterestOut}, operation_id="challenges_interest_create"
)
def challenges_interest_create(request: HttpRequest, pk: int, payload: InterestIn):
    """Access: members of another organisation who can see the teaser; others 404."""
    user = signed_in_user(request)
    challenge = selectors.challenge_get_for(user=user, pk=pk)
    organisation = _own_organisation(request, payload.organisation_id)
    interest = services.interest_create(
        user=user, challenge=challenge, organisation=organisation, message=payload.message
    )
    return 201, _interest_out(interest)


@router.post(
    "/interests/{int:pk}/decision", response=InterestOut, operation_id="challenges_interest_decide"
)
def challenges_interest_decide(request: HttpRequest, pk: int, payload: DecisionIn):
    """Access: members of the posting organisation; others 404."""
    user = signed_in_user(request)
    interest = selectors.interest_get_for(user=user, pk=pk)
    if interest.viewer_side != "poster":  # type: ignore[attr-defined]
        raise Http404
    interest = services.interest_decide(
        user=user,
        interest=interest,
        accept=payload.accept,
        nda_language=payload.nda_language,
    )
    return _interest_out(interest)


@router.get(
    "/interests/{int:pk}/nda", response=list[NdaAcceptanceOut], operation_id="challenges_nda_get"
)
def challenges_nda_get(request: HttpRequest, pk: int):
    """Access: members of the two organisations; others 404. The acceptance record."""
    user = signed_in_user(request)
    interest = selectors.interest_get_for(user=user, pk=pk)
    return [
        {
            "organisation_id": a.organisation_id,
            "organisation_name": a.organisation.name,
            "accepted_at": a.accepted_at,
            "nda_version": a.nda_text.version,
            "nda_language": a.nda_text.language,
            "text_sha256": a.text_sha256,
        }
        for a in selectors.nda_acceptances(interest=interest)
    ]


@router.post(
    "/interests/{int:pk}/nda",
    response={201: NdaAcceptanceOut},
    operation_id="challenges_nda_accept",
)
def challenges_nda_accept(request: HttpRequest, pk: int, payload: NdaAcceptIn):
    """Access: members of the two organisations; others 404."""
    user = signed_in_user(request)
    interest = selectors.interest_get_for(user=user, pk=pk)
    a = services.nda_accept(user=user, interest=interest, text_sha256=payload.text_sha256)
    return 201, {
        "organisation_id": a.organisation_id,
        "organisation_name": a.organisation.name,
        "accepted_at": a.accepted_at,
        "nda_version": a.nda_text.version,
        "nda_language": a.nda_text.language,
        "text_sha256": a.text_sha256,
    }


def _open_interest(request: HttpRequest, pk: int) -> ExpressionOfInterest:
    from loket.challenges import policy

    interest = selectors.interest_get_for(user=signed_in_user(request), pk=pk)
    if not policy.opened(selectors.policy_relation(interest)):
        raise Http404
    return interest


@router.get(
    "/interests/{int:pk}/messages",
    response=list[MessageOut],
    operation_id="challenges_messages_list",
)
def challenges_messages_list(request: HttpRequest, pk: int):
    """Access: members of the two organisations once the conversation is open; others 404."""
    interest = _open_interest(request, pk)
    return [
        {
            "id": m.pk,
            "sender_organisation_name": m.sender_organisation.name,
            "body": m.body,
            "created_at": m.created_at,
        }
        for m in selectors.conversation_messages(interest=interest)
    ]


@router.post(
    "/interests/{int:pk}/messages",
    response={201: MessageOut},
    operation_id="challenges_message_send",
)
def challenges_message_send(request: HttpRequest, pk: int, payload: MessageIn):
    """Access: members of the two organisations once the conversation is open; others 404."""
    user = signed_in_user(request)
    interest = _open_interest(request, pk)
    m = services.message_send(user=user, interest=interest, body=payload.body)
    return 201, {
        "id": m.pk,
        "sender_organisation_name": m.sender_organisation.name,
        "body": m.body,
        "created_at": m.created_at,
    }


@router.get(
    "/notifications", response=list[NotificationOut], operation_id="challenges_notifications"
)
def challenges_notifications(request: HttpRequest):
    """Access: signed-in users; their own notifications."""
    user = signed_in_user(request)
    return [
        {
            "id": n.pk,
            "text": n.text,
            "url": n.url,
            "created_at": n.created_at,
            "read": bool(n.read_at),
        }
        for n in selectors.notifications_for(user=user)[:100]
    ]
