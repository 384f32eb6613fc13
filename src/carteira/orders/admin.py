from django.contrib import admin

from carteira.orders.models import Order


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["external_id", "date", "client", "seller", "amount", "status"]
    list_filter = ["status"]
    date_hierarchy = "date"
    search_fields = ["external_id", "client__name", "client__external_id"]
    raw_id_fields = ["client", "seller"]
    list_select_related = ["client", "seller"]
