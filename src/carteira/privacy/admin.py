from django.contrib import admin

from carteira.privacy.models import ConsentRecord, DataSubjectRequest, RetentionRun


@admin.register(DataSubjectRequest)
class DataSubjectRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "kind", "contact_id", "received_at", "due_at", "status", "handled_by"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["contact", "handled_by"]
    readonly_fields = ["due_at"]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(admin.ModelAdmin):
    list_display = ["contact_id", "basis", "given_at", "withdrawn_at"]
    list_filter = ["basis"]
    raw_id_fields = ["contact", "recorded_by"]


@admin.register(RetentionRun)
class RetentionRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "cutoff", "anonymised"]
    readonly_fields = ["started_at", "finished_at", "cutoff", "anonymised"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
