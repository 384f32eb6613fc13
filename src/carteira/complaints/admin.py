from django.contrib import admin

from carteira.complaints.models import Complaint, ComplaintCategory, SlaTarget

admin.site.register(Complaint)


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    extra = 0
    max_num = 3  # one per severity


@admin.register(ComplaintCategory)
class ComplaintCategoryAdmin(admin.ModelAdmin):
    """The managed list: a category retired (not active) stays readable on old
    complaints; its SLA targets apply to complaints opened from then on."""

    list_display = ("name", "active")
    list_filter = ("active",)
    inlines = [SlaTargetInline]
