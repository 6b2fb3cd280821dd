from django.contrib import admin

from loket.referrals.models import Case, CaseEvent, CaseHolding, IntermediaryProfile, Referral


@admin.register(IntermediaryProfile)
class IntermediaryProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "approved", "response_days", "accepts_cases", "updated_at"]
    list_filter = ["approved", "accepts_cases"]
    list_editable = ["approved"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation"]


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    can_delete = False
    readonly_fields = [
        "kind",
        "from_state",
        "to_state",
        "actor",
        "actor_organisation",
        "created_at",
    ]
    fields = [*readonly_fields, "internal"]


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["pk", "state", "holder", "region", "language", "created_at", "closed_at"]
    list_filter = ["state", "region", "language"]
    raw_id_fields = ["requester_user", "requester_organisation", "holder", "assignee"]
    inlines = [CaseEventInline]


admin.site.register(CaseHolding)
admin.site.register(Referral)
