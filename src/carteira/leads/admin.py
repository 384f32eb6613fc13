from django.contrib import admin

from carteira.leads.models import AcquisitionSpend, Lead

for model in (
    AcquisitionSpend,
    Lead,
):
    admin.site.register(model)
