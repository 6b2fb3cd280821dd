from django.contrib import admin

from loket.instruments.models import (
    BurdenReport,
    CallTopic,
    ChangeAction,
    ChangeLog,
    CollaborationModality,
    EligibilityRule,
    Funder,
    Instrument,
)
from loket.instruments.services import _snapshot, change_record


class ChangeLoggedAdmin(admin.ModelAdmin):
    """Every curator edit in the admin lands in the ChangeLog with who and when."""

    def save_model(self, request, obj, form, change):
        before = _snapshot(type(obj).objects.get(pk=obj.pk)) if change and obj.pk else None
        super().save_model(request, obj, form, change)
        change_record(
            obj=obj,
            action=ChangeAction.UPDATE if change else ChangeAction.CREATE,
            before=before,
            user=request.user,
            via="admin",
        )

    def delete_model(self, request, obj):
        before = _snapshot(obj)
        super().delete_model(request, obj)
        change_record(
            obj=obj, action=ChangeAction.DELETE, before=before, user=request.user, via="admin"
        )


class ModalityInline(admin.TabularInline):
    model = CollaborationModality
    extra = 0


class RuleInline(admin.TabularInline):
    model = EligibilityRule
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(ChangeLoggedAdmin):
    list_display = ["name", "funder", "level", "category", "is_historical"]
    list_filter = ["level", "category", "is_historical", "funder"]
    search_fields = ["name", "short_name", "slug"]
    inlines = [ModalityInline, RuleInline]
    filter_horizontal = ["intermediaries"]


@admin.register(Funder)
class FunderAdmin(ChangeLoggedAdmin):
    list_display = ["name", "short_name", "level", "is_historical"]


@admin.register(CallTopic)
class CallTopicAdmin(ChangeLoggedAdmin):
    list_display = ["topic_id", "title", "programme", "status", "deadline"]
    list_filter = ["status", "programme"]
    search_fields = ["topic_id", "title"]


@admin.register(BurdenReport)
class BurdenReportAdmin(admin.ModelAdmin):
    list_display = ["instrument", "organisation", "role", "applied_on", "hours_spent"]


@admin.register(ChangeLog)
class ChangeLogAdmin(admin.ModelAdmin):
    list_display = ["at", "model", "object_repr", "action", "user", "via"]
    list_filter = ["model", "action", "via"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
