from django.contrib import admin

from carteira.credit.models import CreditLimit, Receivable

for model in (
    CreditLimit,
    Receivable,
):
    admin.site.register(model)
