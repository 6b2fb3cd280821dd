"""Who sees what of a challenge. Pure functions, no Django: the one place that decides.

Levels per item: teaser (title, kind, teaser, wishes, deadline), details (protected text),
attachments, poster identity, conversation. Rules:

- Members of the posting organisation see everything, drafts included.
- Drafts are seen by nobody else. Items hidden by a curator: the poster and curators only.
- Teaser: public items to everyone; members-only and anonymous items to signed-in users; invited
  items to members of the invited organisations; curators see every published teaser.
- Poster identity: hidden on anonymous items until the poster accepts the viewer's interest;
  curators get no exception (they moderate the item, not the company behind it).
- Details, attachments and the conversation open only after the poster accepted the viewer's
  organisation's interest and, when the poster required an NDA, both sides accepted it. Curators
  get no exception either.
"""

from __future__ import annotations

from dataclasses import dataclass, field

PUBLIC = "public"
MEMBERS = "members"
ANONYMOUS = "anonymous"
INVITED = "invited"

DRAFT = "draft"
PUBLISHED = "published"
CLOSED = "closed"

PENDING = "pending"
ACCEPTED = "accepted"
DECLINED = "declined"


@dataclass(frozen=True)
class Viewer:
    authenticated: bool = False
    curator: bool = False
    organisation_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class Item:
    organisation_id: int
    confidentiality: str
    status: str
    hidden: bool = False
    invited_organisation_ids: frozenset[int] = field(default_factory=frozenset)
    deadline_passed: bool = False


@dataclass(frozen=True)
class Relation:
    """The state of the viewer's organisation's expression of interest, if any."""

    status: str = ""
    nda_required: bool = False
    nda_complete: bool = False


NO_RELATION = Relation()


@dataclass(frozen=True)
class Access:
    teaser: bool = False
    details: bool = False
    attachments: bool = False
    poster: bool = False
    conversation: bool = False
    is_poster: bool = False
    can_express_interest: bool = False
    can_moderate: bool = False


NOTHING = Access()


def is_poster(viewer: Viewer, item: Item) -> bool:
    return viewer.authenticated and item.organisation_id in viewer.organisation_ids


def teaser_visible(viewer: Viewer, item: Item) -> bool:
    if is_poster(viewer, item):
        return True
    if item.status == DRAFT:
        return False
    if viewer.curator:
        return True
    if item.hidden:
        return False
    if not viewer.authenticated:
        return item.confidentiality == PUBLIC
    if item.confidentiality == INVITED:
        return bool(viewer.organisation_ids & item.invited_organisation_ids)
    return item.confidentiality in {PUBLIC, MEMBERS, ANONYMOUS}


def opened(relation: Relation) -> bool:
    """Accepted, and the NDA (when required) accepted by both sides."""
    return relation.status == ACCEPTED and (not relation.nda_required or relation.nda_complete)


def access(viewer: Viewer, item: Item, relation: Relation = NO_RELATION) -> Access:
    if is_poster(viewer, item):
        return Access(
            teaser=True,
            details=True,
            attachments=True,
            poster=True,
            conversation=True,
            is_poster=True,
            can_moderate=viewer.curator,
        )
    if not teaser_visible(viewer, item):
        return NOTHING
    is_open = opened(relation) and not item.hidden
    accepted = relation.status == ACCEPTED and not item.hidden
    return Access(
        teaser=True,
        details=is_open,
        attachments=is_open,
        poster=item.confidentiality != ANONYMOUS or accepted,
        conversation=is_open,
        can_express_interest=(
            viewer.authenticated
            and bool(viewer.organisation_ids)
            and item.status == PUBLISHED
            and not item.hidden
            and not item.deadline_passed
            and relation.status == ""
        ),
        can_moderate=viewer.curator,
    )
