from django.contrib import admin

from loket.instruments.forms import EligibilityRuleAdminForm, InstrumentAdminForm
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
    """Every curator edit in the admin lands in the ChangeLog with who and when: the object,
    its inline rows (modalities, rules) and its many-to-many links (intermediaries)."""

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

    def _links(self, obj) -> dict[str, list[int]]:
        return {
            field.name: sorted(getattr(obj, field.name).values_list("pk", flat=True))
            for field in obj._meta.many_to_many
        }

    def save_related(self, request, form, formsets, change):
        before = self._links(form.instance) if change else {}
        super().save_related(request, form, formsets, change)
        after = self._links(form.instance)
        changes = {
            name: [before.get(name, []), pks]
            for name, pks in after.items()
            if pks != before.get(name, [])
        }
        if changes:
            ChangeLog.objects.create(
                model=form.instance._meta.label,
                object_id=str(form.instance.pk),
                object_repr=str(form.instance)[:300],
                action=ChangeAction.UPDATE,
                changes=changes,
                user=request.user,
                via="admin",
            )

    def save_formset(self, request, form, formset, change):
        instances = [f.instance for f in formset.forms if f.instance.pk]
        stored = {
            o.pk: _snapshot(o)
            for o in formset.model.objects.filter(pk__in=[i.pk for i in instances])
        }
        ids = {id(i): i.pk for i in instances}
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            change_record(obj=obj, action=ChangeAction.CREATE, user=request.user, via="admin")
        for obj, _fields in formset.changed_objects:
            change_record(
                obj=obj,
                action=ChangeAction.UPDATE,
                before=stored.get(obj.pk),
                user=request.user,
                via="admin",
            )
        for obj in formset.deleted_objects:
            pk = ids.get(id(obj))
            change_record(
                obj=obj,
                action=ChangeAction.DELETE,
                before=stored.get(pk),
                user=request.user,
                via="admin",
                object_id=pk,
            )


class ModalityInline(admin.TabularInline):
    model = CollaborationModality
    extra = 0


class RuleInline(admin.TabularInline):
    model = EligibilityRule
    form = EligibilityRuleAdminForm
    extra = 0


@admin.register(Instrument)
class InstrumentAdmin(ChangeLoggedAdmin):
    form = InstrumentAdminForm
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
