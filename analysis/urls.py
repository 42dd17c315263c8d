from django.urls import path

from . import dashboard_views, link_views, theme_answers, views

app_name = "analysis"

urlpatterns = [
    path(
        "recommandations/<int:pk>/themes/",
        link_views.recommendation_themes,
        name="recommendation_themes",
    ),
    path("themes/<int:pk>/reponse/", theme_answers.answer_theme, name="answer_theme"),
    path("themes/jalons/<int:pk>/", theme_answers.theme_milestone, name="theme_milestone"),
    # Before "<slug:slug>/": the dashboard across consultations.
    path("tableau-de-bord/", dashboard_views.dashboard, name="dashboard"),
    path("tableau-de-bord/<str:table>.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
    path("<slug:slug>/", views.report, name="report"),
    path("<slug:slug>/transparence/", dashboard_views.consultation_transparency, name="transparency"),
    path(
        "<slug:slug>/tableau-de-bord/", dashboard_views.consultation_dashboard, name="consultation_dashboard"
    ),
    path(
        "<slug:slug>/tableau-de-bord/<str:table>.csv",
        dashboard_views.consultation_dashboard_csv,
        name="consultation_dashboard_csv",
    ),
    path("<slug:slug>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("<slug:slug>/contributions.<str:fmt>", views.export_contributions, name="export_contributions"),
    path("<slug:slug>/themes.<str:fmt>", views.export_themes, name="export_themes"),
    path("<slug:slug>/analyses/", views.runs, name="runs"),
    path("analyses/<int:pk>/", views.run_detail, name="run"),
    path("analyses/<int:pk>/progression/", views.run_progress, name="run_progress"),
    path("analyses/<int:pk>/reprendre/", views.run_resume, name="run_resume"),
    path("analyses/<int:pk>/synthese/", views.editor, name="editor"),
    path("analyses/<int:pk>/synthese/deplacer/", views.editor_move, name="editor_move"),
    path("versions/<int:pk>/publier/", views.publish, name="publish"),
]
