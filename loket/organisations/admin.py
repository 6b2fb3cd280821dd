from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from loket.accounts.selectors import signed_in_user
from loket.lib.errors import ApplicationError
from loket.organisations import services
from loket.organisations.forms import ClaimDecisionForm
from loket.organisations.models import (
    ClaimStatus,
    ContactPerson,
    Invitation,
    Membership,
    Organisation,
    OrganisationClaim,
    Participation,
    Project,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)


class ContactPersonInline(admin.TabularInline):
    model = ContactPerson
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "org_type",
        "size_class",
        "region",
        "country",
        "visibility",
        "source",
        "claimed",
        "project_count",
    )
    list_filter = ("org_type", "visibility", "source", "claimed", "size_class", "region")
    search_fields = ("name", "short_name", "enterprise_number", "cordis_pic", "city")
    readonly_fields = (
        "source",
        "cordis_pic",
        "profile_text",
        "eu_contribution_total",
        "project_count",
        "coordination_count",
        "created_at",
        "updated_at",
    )
    filter_horizontal = ("innovation_types",)
    inlines = (MembershipInline, ContactPersonInline)
    show_full_result_count = False

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        from loket.organisations.search import search_documents_refresh

        search_documents_refresh(organisation_ids=[form.instance.pk])


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "organisation__name")
    raw_id_fields = ("user", "organisation")
    list_select_related = ("user", "organisation")


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "organisation", "role", "created_at", "expires_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("email", "organisation__name")
    raw_id_fields = ("organisation", "invited_by", "accepted_by")
    list_select_related = ("organisation",)
    readonly_fields = ("token_hash", "created_at", "accepted_at", "accepted_by", "invited_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Invitations carry a secret that only the e-mail may know: admins invite on the site.
        return False


def _decide(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, *, approve: bool
) -> HttpResponse | None:
    claims = queryset.filter(status=ClaimStatus.PENDING).select_related("user", "organisation")
    action = "approve_claims" if approve else "reject_claims"
    if "apply" in request.POST:
        form = ClaimDecisionForm(request.POST)
        if form.is_valid():
            done = 0
            for claim in claims:
                try:
                    services.claim_decide(
                        curator=signed_in_user(request),
                        claim=claim,
                        approve=approve,
                        note=form.cleaned_data["note"],
                    )
                except ApplicationError as error:
                    modeladmin.message_user(request, f"{claim}: {error.message}", messages.ERROR)
                else:
                    done += 1
            modeladmin.message_user(
                request,
                ngettext("%(count)d claim decided.", "%(count)d claims decided.", done)
                % {"count": done},
                messages.SUCCESS,
            )
            return None
    else:
        form = ClaimDecisionForm()
    return TemplateResponse(
        request,
        "organisations/manage/admin_claim_decide.html",
        {
            **modeladmin.admin_site.each_context(request),
            "claims": claims,
            "form": form,
            "approve": approve,
            "action": action,
            "opts": modeladmin.model._meta,
        },
    )


@admin.register(OrganisationClaim)
class OrganisationClaimAdmin(admin.ModelAdmin):
    list_display = ("organisation", "user", "status", "created_at", "decided_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("organisation__name", "user__email")
    raw_id_fields = ("organisation", "user")
    list_select_related = ("organisation", "user", "decided_by")
    readonly_fields = (
        "organisation",
        "user",
        "message",
        "status",
        "created_at",
        "decided_at",
        "decided_by",
        "decision_note",
    )
    actions = ("approve_claims", "reject_claims")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Approve selected claims"))
    def approve_claims(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return _decide(self, request, queryset, approve=True)

    @admin.action(description=_("Reject selected claims"))
    def reject_claims(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        return _decide(self, request, queryset, approve=False)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    raw_id_fields = ("organisation",)
    can_delete = False
    readonly_fields = (
        "organisation",
        "role",
        "ec_contribution",
        "net_ec_contribution",
        "sme",
        "activity_type",
        "country",
        "nuts_code",
    )

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ("cordis_id", "acronym", "programme", "start_date", "eu_contribution")
    list_filter = ("programme",)
    search_fields = ("cordis_id", "acronym", "title")
    date_hierarchy = "start_date"
    inlines = (ParticipationInline,)
    show_full_result_count = False


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    """Imported from CORDIS: read-only."""

    list_display = ("project", "organisation", "role", "ec_contribution", "country")
    list_filter = ("role", "country")
    search_fields = ("project__acronym", "project__cordis_id", "organisation__name")
    raw_id_fields = ("project", "organisation")
    list_select_related = ("project", "organisation")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
