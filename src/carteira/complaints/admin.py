from django.contrib import admin

from carteira.complaints.models import Complaint

for model in (Complaint,):
    admin.site.register(model)
