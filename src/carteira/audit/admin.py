import csv

from django.contrib import admin
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from carteira.audit.models import AuditEvent
from carteira.audit.services import do_record
from carteira_core.ingest.safe_cells import safe_cell

CSV_COLUMNS = ["at", "actor", "action", "object_type", "object_id", "ip", "details"]


class _Echo:
    def write(self, value):
        return value


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "ip"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    change_list_template = "admin/audit/auditevent/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        export = self.admin_site.admin_view(self.export_csv)
        return [path("export.csv", export, name="audit_auditevent_export"), *super().get_urls()]

    def export_csv(self, request):
        """The whole trail as CSV, for admins (superusers) only; exporting is itself audited."""
        if not request.user.is_superuser:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        do_record("audit.exported", actor=request.user, ip=request.META.get("REMOTE_ADDR"))
        rows = AuditEvent.objects.select_related("actor").order_by("pk").iterator(2_000)
        writer = csv.writer(_Echo())

        def lines():
            yield writer.writerow(CSV_COLUMNS)
            for e in rows:
                cells = [e.at.isoformat(), e.actor.username if e.actor else "", e.action,
                         e.object_type, e.object_id, e.ip or "", e.details]  # fmt: skip
                # A username such as "-1+1" or "@A1" must not run in a spreadsheet.
                yield writer.writerow([safe_cell(str(cell)) for cell in cells])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        name = f"audit-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response

    export_csv.short_description = _("Export CSV")
