from django.contrib import admin

from carteira.clients.models import Assignment, Client, Contact


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "role", "email", "phone", "legal_basis"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fk_name = "client"
    extra = 0
    can_delete = False
    fields = ["seller", "start_date", "end_date", "reason"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # reassignment goes through the service, which keeps the history


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ["external_id", "name", "trade_name", "segment", "city", "state", "seller"]
    list_filter = ["segment", "state", "is_key_account"]
    search_fields = ["external_id", "name", "trade_name", "document"]
    readonly_fields = ["seller"]
    inlines = [ContactInline, AssignmentInline]
    list_select_related = ["seller"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "client", "role", "legal_basis"]
    search_fields = ["name", "client__name"]
    raw_id_fields = ["client"]
