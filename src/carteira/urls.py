from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from carteira.accounts.login import LoginView
from carteira.accounts.policy import policy
from carteira.accounts.views import PasswordResetView
from carteira.field.views import clears_phone_data
from carteira.web import views as web_views

public = policy("public")
admin.site.site_header = "Carteira"
admin.site.site_title = "Carteira"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("login/", public(LoginView.as_view()), name="login"),
    path("logout/", public(clears_phone_data(auth_views.LogoutView.as_view())), name="logout"),
    path("password-reset/", public(PasswordResetView.as_view()), name="password_reset"),
    path(
        "password-reset/sent/",
        public(auth_views.PasswordResetDoneView.as_view()),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        public(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        public(auth_views.PasswordResetCompleteView.as_view()),
        name="password_reset_complete",
    ),
    path("account/", include("carteira.accounts.urls")),
    path("clients/", include("carteira.client_pages.urls")),
    path("portfolio/", include("carteira.portfolio.urls")),
    path("imports/", include("carteira.imports.urls")),
    path("data-quality/", include("carteira.hygiene.urls")),
    path("api/", include("carteira.api.urls")),
    path("plans/", include("carteira.plans.urls")),
    path("agenda/", include("carteira.agenda.urls")),
    path("territory/", include("carteira.territory.urls")),
    path("distribution/", include("carteira.distribution.urls")),
    path("goals/", include("carteira.goals.urls")),
    path("value/", include("carteira.value.urls")),
    path("credit/", include("carteira.credit.urls")),
    path("complaints/", include("carteira.complaints.urls")),
    path("leads/", include("carteira.leads.urls")),
    path("review/", include("carteira.review.urls")),
    path("admin/", admin.site.urls),
    path("health/", web_views.health, name="health"),
    path("privacy/", include("carteira.privacy.urls")),
    path("exports/", include("carteira.exports.urls")),
    path("campo/", include("carteira.field.urls")),
]
handler403 = "carteira.accounts.errors.permission_denied"
handler404 = "carteira.accounts.errors.page_not_found"
handler500 = "carteira.accounts.errors.server_error"
