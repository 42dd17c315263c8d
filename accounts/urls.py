from django.urls import path

from . import notification_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profil/", views.profile_edit, name="profile"),
    path("confidentialite/accepter/", views.accept_privacy, name="accept_privacy"),
    path("courriels/", views.email_notices, name="email_notices"),
    path("courriels/nouvelles/", notification_views.digest_preference, name="digest_preference"),
    path("desabonnement/<str:token>/", notification_views.unsubscribe, name="unsubscribe"),
    path("mes-donnees/", views.export_data, name="export"),
    path("supprimer/", views.delete_account, name="delete"),
    path("roles/", views.manage_roles, name="roles"),
    path("journal/", views.audit_log, name="audit_log"),
]
