"""Writes. Every function checks who acts, validates, saves atomically, and sends after commit.

Notification and e-mail texts are built from the title (teaser level) and, for the poster, the
interested organisation's name. They never carry protected details or an anonymous poster's name.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import logging
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loket.challenges import policy, selectors, uploads
from loket.challenges.models import (
    Attachment,
    Challenge,
    CloseReason,
    Confidentiality,
    Conversation,
    ExpressionOfInterest,
    Frequency,
    InterestStatus,
    Language,
    Message,
    ModerationAction,
    ModerationEvent,
    NdaAcceptance,
    NdaText,
    Notification,
    OutcomeEvent,
    OutcomeKind,
    SavedSearch,
    Status,
)
from loket.lib.errors import ApplicationError, ConflictError, PermissionDeniedError
from loket.organisations.models import (
    InnovationType,
    Membership,
    Organisation,
    OrganisationType,
    Region,
    SizeClass,
)

if TYPE_CHECKING:
    from loket.accounts.models import User

logger = logging.getLogger(__name__)

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_PER_ITEM = 10
UNSUBSCRIBE_SALT = "loket.challenges.unsubscribe"

EDITABLE_FIELDS = [
    "kind",
    "title",
    "teaser",
    "details",
    "partner_types",
    "size_classes",
    "regions",
    "countries",
    "tags",
    "languages",
    "call_reference",
    "deadline",
    "confidentiality",
]
LIST_CHOICES = {
    "partner_types": OrganisationType,
    "size_classes": SizeClass,
    "regions": Region,
    "languages": Language,
}


def attachment_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "challenges"


def attachment_max_bytes() -> int:
    return int(getattr(settings, "LOKET_CHALLENGE_ATTACHMENT_MAX_BYTES", ATTACHMENT_MAX_BYTES))


def attachment_too_large_message() -> str:
    return _("The file is too large (at most %(mb)s MB).") % {
        "mb": attachment_max_bytes() // (1024 * 1024)
    }


# --- helpers --------------------------------------------------------------------------------


def _member_of(user: User, organisation_id: int) -> bool:
    return (
        user.is_authenticated
        and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()
    )


def _require_poster(user: User, challenge: Challenge) -> None:
    if not _member_of(user, challenge.organisation_id):
        raise PermissionDeniedError(_("Only members of the posting organisation can do this."))


def _require_curator(user: User) -> None:
    if not (user.is_authenticated and user.is_staff):
        raise PermissionDeniedError(_("Only curators can do this."))


def _outcome(challenge: Challenge, kind: str, **extra: Any) -> None:
    OutcomeEvent.objects.create(challenge=challenge, kind=kind, **extra)


def _site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _members(organisation_id: int) -> list[User]:
    from loket.accounts.models import User

    return list(User.objects.filter(memberships__organisation_id=organisation_id, is_active=True))


def notify(
    *,
    users: list[User],
    text: str | Promise,
    params: dict[str, Any] | None = None,
    url: str = "",
    email: bool = True,
) -> None:
    """In-app notice for each user, and an e-mail after commit.

    `text` is a lazy translation and `params` its values: each notice is written in its
    recipient's language, not in that of whoever triggered it.
    """
    from loket.accounts.selectors import user_language

    def render(user: User) -> str:
        with translation.override(user_language(user=user)):
            return (str(text) % params if params is not None else str(text))[:400]

    notifications = [Notification(user=user, text=render(user), url=url) for user in users]
    created = Notification.objects.bulk_create(notifications)
    if not email:
        return
    ids = [n.pk for n in created if n.pk is not None]
    if not ids:
        ids = list(
            Notification.objects.filter(
                user__in=users, text__in={n.text for n in notifications}, url=url
            )
            .order_by("-pk")
            .values_list("pk", flat=True)[: len(users)]
        )
    from loket.challenges.tasks import notification_email_send

    for pk in ids:
        transaction.on_commit(functools.partial(notification_email_send.enqueue, pk))


def notification_email_deliver(*, notification_pk: int) -> bool:
    notification = Notification.objects.select_related("user").filter(pk=notification_pk).first()
    if notification is None or not notification.user.email:
        return False
    body = notification.text
    if notification.url:
        body += "\n\n" + _site_url(notification.url)
    message = EmailMultiAlternatives(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + notification.text[:120],
        body=body + "\n",
        to=[notification.user.email],
    )
    message.send()
    return True


def _clean_data(data: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name in LIST_CHOICES:
            allowed = set(LIST_CHOICES[name].values)
            value = [str(v) for v in (value or [])]
            bad = [v for v in value if v not in allowed]
            if bad:
                errors[name] = [_("Unknown value: %(value)s") % {"value": bad[0][:40]}]
            value = list(dict.fromkeys(value))
        elif name in {"tags", "countries"}:
            value = [str(v).strip()[:60] for v in (value or []) if str(v).strip()][:30]
            if name == "countries":
                value = [v.upper() for v in value]
                if any(len(v) != 2 or not v.isalpha() for v in value):
                    errors[name] = [_("Use two-letter country codes, such as BE or NL.")]
        cleaned[name] = value
    if errors:
        raise ValidationError(errors)
    return cleaned


def _refresh_documents(challenge: Challenge) -> None:
    codes = list(challenge.innovation_types.values_list("code", flat=True))
    challenge.search_document = selectors.search_document_for(challenge)
    challenge.facet_document = selectors.facet_document_for(challenge, codes)
    challenge.save(update_fields=["search_document", "facet_document"])


def _set_relations(
    challenge: Challenge,
    innovation_types: list[str] | None,
    invited: list[Organisation] | None,
) -> list[int]:
    newly_invited: list[int] = []
    if innovation_types is not None:
        known = list(InnovationType.objects.filter(code__in=innovation_types))
        if len(known) != len(set(innovation_types)):
            raise ValidationError({"innovation_types": [_("Unknown innovation type.")]})
        challenge.innovation_types.set(known)
    if invited is not None:
        before = set(challenge.invited_organisations.values_list("pk", flat=True))
        challenge.invited_organisations.set(invited)
        newly_invited = [o.pk for o in invited if o.pk not in before]
    return newly_invited


def _notify_invited(challenge: Challenge, organisation_ids: list[int]) -> None:
    if challenge.status != Status.PUBLISHED or challenge.confidentiality != Confidentiality.INVITED:
        return
    for organisation_id in organisation_ids:
        if organisation_id == challenge.organisation_id:
            continue
        notify(
            users=_members(organisation_id),
            text=gettext_lazy("Your organisation is invited to view “%(title)s”."),
            params={"title": challenge.title},
            url=reverse("challenges:challenge-detail", args=[challenge.pk]),
        )


# --- items ----------------------------------------------------------------------------------


@transaction.atomic
def challenge_create(
    *,
    user: User,
    organisation: Organisation,
    data: dict[str, Any],
    innovation_types: list[str] | None = None,
    invited: list[Organisation] | None = None,
) -> Challenge:
    if not _member_of(user, organisation.pk):
        raise PermissionDeniedError(_("You can only post for an organisation you belong to."))
    challenge = Challenge(organisation=organisation, created_by=user, **_clean_data(data))
    challenge.full_clean(exclude=["search_document", "facet_document"])
    challenge.save()
    _set_relations(challenge, innovation_types, invited)
    _refresh_documents(challenge)
    return challenge


@transaction.atomic
def challenge_update(
    *,
    user: User,
    challenge: Challenge,
    data: dict[str, Any],
    version: int | None = None,
    innovation_types: list[str] | None = None,
    invited: list[Organisation] | None = None,
) -> Challenge:
    """Save an edit; refused whole (nothing half-saved) when invalid or based on a stale version."""
    _require_poster(user, challenge)
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    if version is not None and locked.version != version:
        raise ConflictError(
            _(
                "Someone else saved this item while you were editing. Your changes were not "
                "saved; they are still in the form below. Reload to see the newer version."
            )
        )
    if locked.status == Status.CLOSED:
        raise ApplicationError(_("A closed item can no longer be edited."))
    for name, value in _clean_data(data).items():
        setattr(locked, name, value)
    locked.version = F("version") + 1
    locked.full_clean(exclude=["search_document", "facet_document", "version"])
    locked.save()
    locked.refresh_from_db()
    newly_invited = _set_relations(locked, innovation_types, invited)
    _refresh_documents(locked)
    _notify_invited(locked, newly_invited)
    return locked


@transaction.atomic
def challenge_publish(*, user: User, challenge: Challenge) -> Challenge:
    _require_poster(user, challenge)
    if challenge.status != Status.DRAFT:
        raise ApplicationError(_("Only a draft can be published."))
    if challenge.deadline and challenge.deadline < timezone.localdate():
        raise ApplicationError(_("The deadline has passed; choose a later date first."))
    if challenge.confidentiality == Confidentiality.INVITED and not (
        challenge.invited_organisations.exists()
    ):
        raise ApplicationError(_("Invite at least one organisation before publishing."))
    updated = Challenge.objects.filter(pk=challenge.pk, status=Status.DRAFT).update(
        status=Status.PUBLISHED, published_at=timezone.now()
    )
    if not updated:
        raise ConflictError(_("This item was already published."))
    challenge.refresh_from_db()
    _outcome(challenge, OutcomeKind.PUBLISHED)
    _notify_invited(challenge, list(challenge.invited_organisations.values_list("pk", flat=True)))
    return challenge


@transaction.atomic
def challenge_close(
    *,
    user: User | None,
    challenge: Challenge,
    reason: str,
    partner_interest: ExpressionOfInterest | None = None,
) -> Challenge:
    """Close an item. user=None is the system (expiry)."""
    if user is not None:
        _require_poster(user, challenge)
    if reason not in CloseReason.values:
        raise ApplicationError(_("Choose why you close this item."))
    if partner_interest is not None and (
        partner_interest.challenge_id != challenge.pk
        or partner_interest.status != InterestStatus.ACCEPTED
    ):
        raise ApplicationError(
            _("The partner must be an organisation whose interest you accepted.")
        )
    updated = Challenge.objects.filter(pk=challenge.pk, status=Status.PUBLISHED).update(
        status=Status.CLOSED, close_reason=reason, closed_at=timezone.now()
    )
    if not updated:
        raise ConflictError(_("Only a published item can be closed."))
    challenge.refresh_from_db()
    _outcome(challenge, OutcomeKind.CLOSED, detail=reason)
    if reason == CloseReason.PARTNER_FOUND:
        _outcome(
            challenge,
            OutcomeKind.PARTNER_FOUND,
            organisation=partner_interest.organisation if partner_interest else None,
            interest=partner_interest,
        )
    return challenge


def challenges_expire(*, today: dt.date | None = None) -> int:
    """Close published items whose deadline lies before today. Safe to run twice."""
    today = today or timezone.localdate()
    closed = 0
    for pk in Challenge.objects.filter(status=Status.PUBLISHED, deadline__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            challenge = Challenge.objects.get(pk=pk)
            try:
                challenge_close(user=None, challenge=challenge, reason=CloseReason.EXPIRED)
            except ConflictError:
                continue
            notify(
                users=_members(challenge.organisation_id),
                text=gettext_lazy("“%(title)s” has expired and is now closed."),
                params={"title": challenge.title},
                url=reverse("challenges:challenge-detail", args=[challenge.pk]),
            )
            closed += 1
    return closed


# --- moderation -----------------------------------------------------------------------------


@transaction.atomic
def challenge_report(*, user: User, challenge: Challenge, reason: str) -> ModerationEvent:
    if not user.is_authenticated:
        raise PermissionDeniedError(_("Log in to report an item."))
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("Say briefly what is wrong with this item."))
    event = ModerationEvent.objects.create(
        challenge=challenge, actor=user, action=ModerationAction.REPORT, reason=reason[:2000]
    )
    from loket.accounts.models import User as UserModel

    curators = list(UserModel.objects.filter(is_staff=True, is_active=True))
    notify(
        users=curators,
        text=gettext_lazy("An item was reported: “%(title)s”."),
        params={"title": challenge.title},
        url=reverse("challenges:moderation"),
    )
    return event


@transaction.atomic
def challenge_moderate(*, user: User, challenge: Challenge, hide: bool, reason: str) -> Challenge:
    _require_curator(user)
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(_("A reason is required; it is logged and shown to the poster."))
    Challenge.objects.filter(pk=challenge.pk).update(hidden_by_curator=hide)
    ModerationEvent.objects.create(
        challenge=challenge,
        actor=user,
        action=ModerationAction.HIDE if hide else ModerationAction.UNHIDE,
        reason=reason[:2000],
    )
    challenge.refresh_from_db()
    text = (
        gettext_lazy("A curator hid “%(title)s”: %(reason)s")
        if hide
        else gettext_lazy("A curator made “%(title)s” visible again: %(reason)s")
    )
    notify(
        users=_members(challenge.organisation_id),
        text=text,
        params={"title": challenge.title, "reason": reason[:200]},
        url=reverse("challenges:challenge-detail", args=[challenge.pk]),
    )
    return challenge


# --- attachments ----------------------------------------------------------------------------


def _upload_message(reason: str) -> str:
    messages = {
        "empty": _("The file is empty."),
        "unknown": _("This file type is not accepted. Upload a PDF, DOCX, PNG or JPEG file."),
        "executable": _(
            "Programs and scripts are not accepted. Upload a PDF, DOCX, PNG or JPEG file."
        ),
        "archive": _(
            "Archives (zip and the like) are not accepted. Upload a PDF, DOCX, PNG or JPEG file."
        ),
        "macro": _("Documents with macros are not accepted. Save it as a plain DOCX or PDF."),
        "disguised": _(
            "The file's content does not match its name. Upload the file with its real extension."
        ),
    }
    return messages.get(reason, messages["unknown"])


def attachment_store(*, user: User, challenge: Challenge, upload: UploadedFile) -> Attachment:
    """Write to a temporary name, check the bytes, then move into place and record it."""
    _require_poster(user, challenge)
    limit = attachment_max_bytes()
    if upload.size is None or upload.size > limit:
        raise ApplicationError(attachment_too_large_message())
    if challenge.attachments.count() >= ATTACHMENTS_PER_ITEM:
        raise ApplicationError(
            _("An item can have at most %(n)s attachments.") % {"n": ATTACHMENTS_PER_ITEM}
        )
    name = uploads.clean_filename(upload.name or "file")
    directory = attachment_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stored_name = secrets.token_hex(16)
    final_path = directory / stored_name
    temp_path = directory / f".upload-{stored_name}.part"
    digest = hashlib.sha256()
    written = 0
    try:
        with open(temp_path, "xb") as handle:
            for chunk in upload.chunks():
                written += len(chunk)
                if written > limit:
                    raise ApplicationError(attachment_too_large_message())
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        verdict = uploads.sniff(str(temp_path), name)
        if verdict.content_type is None:
            raise ApplicationError(_upload_message(verdict.reason))
        os.replace(temp_path, final_path)
        try:
            with transaction.atomic():
                attachment = Attachment.objects.create(
                    challenge=challenge,
                    original_name=name,
                    stored_name=stored_name,
                    content_type=verdict.content_type,
                    size=written,
                    sha256=digest.hexdigest(),
                    uploaded_by=user,
                )
        except Exception:
            final_path.unlink(missing_ok=True)
            raise
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp_path.unlink()
    return attachment


def attachment_path(attachment: Attachment) -> Path:
    return attachment_dir() / attachment.stored_name


@transaction.atomic
def attachment_delete(*, user: User, attachment: Attachment) -> None:
    _require_poster(user, attachment.challenge)
    path = attachment_path(attachment)
    attachment.delete()
    transaction.on_commit(lambda: path.unlink(missing_ok=True))


# --- interest, NDA, conversation ------------------------------------------------------------


@transaction.atomic
def interest_create(
    *, user: User, challenge: Challenge, organisation: Organisation, message: str
) -> ExpressionOfInterest:
    if not _member_of(user, organisation.pk):
        raise PermissionDeniedError(_("You can only act for an organisation you belong to."))
    if organisation.pk == challenge.organisation_id:
        raise ApplicationError(_("You cannot express interest in your own organisation's item."))
    access = selectors.challenge_access(user=user, challenge=challenge)
    if not access.teaser:
        raise PermissionDeniedError(_("This item is not available."))
    if challenge.status != Status.PUBLISHED or challenge.hidden_by_curator:
        raise ApplicationError(_("This item no longer accepts expressions of interest."))
    if challenge.deadline and challenge.deadline < timezone.localdate():
        raise ApplicationError(_("The deadline of this item has passed."))
    message = (message or "").strip()
    if not message:
        raise ApplicationError(_("Write a short message to the poster."))
    try:
        with transaction.atomic():
            interest = ExpressionOfInterest.objects.create(
                challenge=challenge, organisation=organisation, sent_by=user, message=message[:2000]
            )
    except IntegrityError as exc:
        raise ConflictError(
            _("Your organisation already expressed interest in this item.")
        ) from exc
    _outcome(challenge, OutcomeKind.INTEREST, organisation=organisation, interest=interest)
    notify(
        users=_members(challenge.organisation_id),
        text=gettext_lazy("%(organisation)s expressed interest in “%(title)s”."),
        params={"organisation": organisation.name, "title": challenge.title},
        url=reverse("challenges:challenge-detail", args=[challenge.pk]),
    )
    return interest


@transaction.atomic
def interest_decide(
    *, user: User, interest: ExpressionOfInterest, accept: bool, nda_language: str = ""
) -> ExpressionOfInterest:
    """Accept (optionally requiring the current NDA in nda_language) or decline."""
    challenge = interest.challenge
    _require_poster(user, challenge)
    nda_text = None
    if accept and nda_language:
        nda_text = NdaText.objects.filter(language=nda_language).order_by("-version").first()
        if nda_text is None:
            raise ApplicationError(_("No NDA text exists in that language."))
    updated = ExpressionOfInterest.objects.filter(
        pk=interest.pk, status=InterestStatus.PENDING
    ).update(
        status=InterestStatus.ACCEPTED if accept else InterestStatus.DECLINED,
        nda_text=nda_text,
        decided_by=user,
        decided_at=timezone.now(),
    )
    if not updated:
        raise ConflictError(_("This expression of interest was already decided."))
    interest.refresh_from_db()
    url = reverse("challenges:challenge-detail", args=[challenge.pk])
    if accept:
        _outcome(
            challenge, OutcomeKind.ACCEPTED, organisation=interest.organisation, interest=interest
        )
        if nda_text is None:
            _conversation_open(interest)
            text = gettext_lazy(
                "Your interest in “%(title)s” was accepted. The details are now open to you."
            )
        else:
            url = reverse("challenges:interest-nda", args=[interest.pk])
            text = gettext_lazy(
                "Your interest in “%(title)s” was accepted. Accept the NDA to open the details."
            )
    else:
        _outcome(
            challenge, OutcomeKind.DECLINED, organisation=interest.organisation, interest=interest
        )
        text = gettext_lazy("Your interest in “%(title)s” was declined.")
    notify(
        users=_members(interest.organisation_id),
        text=text,
        params={"title": challenge.title},
        url=url,
    )
    return interest


def _conversation_open(interest: ExpressionOfInterest) -> Conversation:
    conversation, created = Conversation.objects.get_or_create(interest=interest)
    if created:
        _outcome(
            interest.challenge,
            OutcomeKind.CONVERSATION,
            organisation=interest.organisation,
            interest=interest,
        )
    return conversation


@transaction.atomic
def nda_accept(*, user: User, interest: ExpressionOfInterest, text_sha256: str) -> NdaAcceptance:
    """Record one side's click-acceptance of exactly the text (hash) the user was shown."""
    if interest.status != InterestStatus.ACCEPTED or interest.nda_text is None:
        raise ApplicationError(_("No NDA is required here."))
    challenge = interest.challenge
    memberships = set(
        Membership.objects.filter(
            user=user, organisation_id__in=[challenge.organisation_id, interest.organisation_id]
        ).values_list("organisation_id", flat=True)
    )
    if not memberships:
        raise PermissionDeniedError(_("Only the two organisations can accept this NDA."))
    side = (
        challenge.organisation_id
        if challenge.organisation_id in memberships
        else interest.organisation_id
    )
    nda_text = interest.nda_text
    if not nda_text.intact or text_sha256 != nda_text.sha256:
        raise ConflictError(_("The NDA text changed. Read it again before accepting."))
    try:
        with transaction.atomic():
            acceptance = NdaAcceptance.objects.create(
                interest=interest,
                organisation_id=side,
                user=user,
                nda_text=nda_text,
                text_sha256=nda_text.sha256,
            )
    except IntegrityError as exc:
        raise ConflictError(_("Your organisation already accepted this NDA.")) from exc
    interest = ExpressionOfInterest.objects.select_related("challenge").get(pk=interest.pk)
    if selectors.nda_complete(interest):
        _outcome(
            challenge, OutcomeKind.NDA_SIGNED, organisation=interest.organisation, interest=interest
        )
        _conversation_open(interest)
        for organisation_id in (challenge.organisation_id, interest.organisation_id):
            notify(
                users=_members(organisation_id),
                text=gettext_lazy(
                    "Both sides accepted the NDA for “%(title)s”. The details are open."
                ),
                params={"title": challenge.title},
                url=reverse("challenges:interest-conversation", args=[interest.pk]),
            )
    else:
        other = (
            interest.organisation_id
            if side == challenge.organisation_id
            else challenge.organisation_id
        )
        notify(
            users=_members(other),
            text=gettext_lazy(
                "The other side accepted the NDA for “%(title)s”. Your acceptance is awaited."
            ),
            params={"title": challenge.title},
            url=reverse("challenges:interest-nda", args=[interest.pk]),
        )
    return acceptance


@transaction.atomic
def message_send(*, user: User, interest: ExpressionOfInterest, body: str) -> Message:
    challenge = interest.challenge
    sides = [challenge.organisation_id, interest.organisation_id]
    mine = set(
        Membership.objects.filter(user=user, organisation_id__in=sides).values_list(
            "organisation_id", flat=True
        )
    )
    if not mine:
        raise PermissionDeniedError(_("Only the two organisations can write here."))
    if not policy.opened(selectors.policy_relation(interest)):
        raise ApplicationError(_("The conversation opens once the interest (and NDA) is accepted."))
    if challenge.hidden_by_curator:
        raise ApplicationError(_("This item is hidden by a curator."))
    body = (body or "").strip()
    if not body:
        raise ApplicationError(_("The message is empty."))
    conversation = _conversation_open(interest)
    side = (
        challenge.organisation_id if challenge.organisation_id in mine else interest.organisation_id
    )
    message = Message.objects.create(
        conversation=conversation,
        sender=user,
        sender_organisation_id=side,
        body=body[:5000],
    )
    other = (
        interest.organisation_id if side == challenge.organisation_id else challenge.organisation_id
    )
    notify(
        users=_members(other),
        text=gettext_lazy("New message about “%(title)s”."),
        params={"title": challenge.title},
        url=reverse("challenges:interest-conversation", args=[interest.pk]),
    )
    return message


# --- notifications and alerts ---------------------------------------------------------------


def notifications_mark_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def saved_search_create(
    *,
    user: User,
    query: str = "",
    filters: dict[str, str] | None = None,
    frequency: str = Frequency.WEEKLY,
    match_profile: bool = False,
    organisation: Organisation | None = None,
    name: str = "",
) -> SavedSearch:
    if not user.is_authenticated:
        raise PermissionDeniedError(_("Log in to save a search."))
    if organisation is not None and not _member_of(user, organisation.pk):
        raise PermissionDeniedError(_("You can only act for an organisation you belong to."))
    if match_profile and organisation is None:
        raise ApplicationError(_("Choose the organisation whose profile should be matched."))
    filters = {k: str(v)[:60] for k, v in (filters or {}).items() if k in selectors.FACETS and v}
    if not (query or filters or match_profile):
        raise ApplicationError(_("Add search words, a filter or profile matching first."))
    saved = SavedSearch(
        user=user,
        organisation=organisation,
        name=(name or query)[:100],
        query=(query or "")[:200],
        filters=filters,
        match_profile=match_profile,
        frequency=frequency,
        last_sent_at=timezone.now(),
    )
    saved.full_clean()
    saved.save()
    return saved


def saved_search_delete(*, user: User, saved_search: SavedSearch) -> None:
    if saved_search.user_id != user.pk:
        raise PermissionDeniedError(_("This alert is not yours."))
    saved_search.delete()


def unsubscribe_token(saved_search: SavedSearch) -> str:
    return signing.dumps({"a": saved_search.pk}, salt=UNSUBSCRIBE_SALT, compress=True)


def saved_search_unsubscribe(*, token: str) -> SavedSearch | None:
    """One click, no login: the signed token names the alert. None for a bad token."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    saved = SavedSearch.objects.filter(pk=data.get("a")).first()
    if saved is not None and saved.active:
        saved.active = False
        saved.save(update_fields=["active"])
    return saved


def saved_search_resubscribe(*, token: str) -> SavedSearch | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    saved = SavedSearch.objects.filter(pk=data.get("a")).first()
    if saved is not None and not saved.active:
        saved.active = True
        saved.last_sent_at = timezone.now()
        saved.save(update_fields=["active", "last_sent_at"])
    return saved


PERIODS = {Frequency.DAILY: dt.timedelta(days=1), Frequency.WEEKLY: dt.timedelta(days=7)}


def digest_render(*, saved_search: SavedSearch, cards: list[dict[str, Any]]) -> tuple[str, str]:
    """Subject and plain-text body, built only from presented (policy-checked) cards."""
    lines = [
        _("New items on Loket for your alert “%(name)s”:") % {"name": str(saved_search)},
        "",
    ]
    for card in cards:
        lines.append(f"* {card['title']} ({card['kind_label']})")
        if card["poster"]:
            lines.append("  " + _("Posted by %(name)s") % {"name": card["poster"]["name"]})
        lines.append("  " + card["teaser"][:300].replace("\n", " "))
        lines.append("  " + _site_url(card["url"]))
        lines.append("")
    lines.append(
        _("Unsubscribe with one click: %(url)s")
        % {
            "url": _site_url(
                reverse("challenges:alert-unsubscribe", args=[unsubscribe_token(saved_search)])
            )
        }
    )
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + _("%(n)s new items for “%(name)s”") % {
        "n": len(cards),
        "name": str(saved_search)[:60],
    }
    return subject, "\n".join(lines) + "\n"


def digest_send_one(*, saved_search_pk: int, now: dt.datetime) -> int:
    """Send one alert's digest. Claims the period first, so a second delivery sends nothing."""
    saved = (
        SavedSearch.objects.select_related("user", "organisation")
        .filter(pk=saved_search_pk, active=True)
        .first()
    )
    if saved is None or not saved.user.is_active:
        return 0
    since = saved.last_sent_at or (now - PERIODS[Frequency(saved.frequency)])
    claimed = SavedSearch.objects.filter(pk=saved.pk, last_sent_at=saved.last_sent_at).update(
        last_sent_at=now
    )
    if not claimed:
        return 0
    from loket.accounts.selectors import user_language

    # The cards' labels, the subject and the body in the recipient's language (a worker has none).
    with translation.override(user_language(user=saved.user)):
        cards = selectors.saved_search_matches(saved_search=saved, since=since)
        if not cards:
            return 0
        subject, body = digest_render(saved_search=saved, cards=cards)
    unsubscribe_url = _site_url(
        reverse("challenges:alert-unsubscribe", args=[unsubscribe_token(saved)])
    )
    EmailMultiAlternatives(
        subject=subject,
        body=body,
        to=[saved.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    ).send()
    notify(
        users=[saved.user],
        text=gettext_lazy("%(n)s new items match your alert “%(name)s”."),
        params={"n": len(cards), "name": str(saved)[:80]},
        url=reverse("challenges:challenge-list"),
        email=False,
    )
    return len(cards)


def digests_send(*, frequency: str, now: dt.datetime | None = None) -> int:
    """Send every due digest of this frequency; returns the number of e-mails sent."""
    now = now or timezone.now()
    period = PERIODS[Frequency(frequency)]
    # An hour of slack so a daily cron that drifts a little still sends every day.
    due_before = now - period + dt.timedelta(hours=1)
    sent = 0
    for pk in SavedSearch.objects.filter(
        active=True, frequency=frequency, last_sent_at__lte=due_before
    ).values_list("pk", flat=True):
        if digest_send_one(saved_search_pk=pk, now=now):
            sent += 1
    return sent
