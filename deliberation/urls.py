from django.urls import path

from . import views

app_name = "deliberation"

urlpatterns = [
    # Public
    path("", views.panel_list, name="panel_list"),
    path("suivi/", views.accountability, name="accountability"),
    path("<int:pk>/", views.panel_detail, name="panel_detail"),
    path("<int:pk>/suivi/", views.accountability, name="panel_accountability"),
    path("<int:pk>/tirage/", views.selection_report, name="selection_report"),
    path("<int:pk>/tirage/<int:selection>/loterie.json", views.selection_lottery, name="selection_lottery"),
    path("<int:pk>/tirage/etat/", views.selection_status, name="selection_status"),
    path("recommandations/<int:pk>/", views.recommendation_detail, name="recommendation"),
    # Citizens and members
    path("<int:pk>/volontaire/", views.volunteer, name="volunteer"),
    path("<int:pk>/volontaire/retirer/", views.withdraw, name="withdraw"),
    path("<int:pk>/espace/", views.member_space, name="member_space"),
    path("documents/<int:pk>/", views.document_download, name="document"),
    path("seances/<int:pk>/code/", views.check_in_code, name="check_in_code"),
    path("recommandations/<int:pk>/amender/", views.propose_amendment, name="propose_amendment"),
    path("recommandations/<int:pk>/voter/", views.cast_ballot, name="cast_ballot"),
    # Facilitators
    path("<int:pk>/animation/", views.facilitate, name="facilitate"),
    path("<int:pk>/seances/nouvelle/", views.schedule_session, name="schedule_session"),
    path("<int:pk>/documents/nouveau/", views.upload_document, name="upload_document"),
    path("<int:pk>/recommandations/nouvelle/", views.create_recommendation, name="create_recommendation"),
    path("seances/<int:pk>/console/", views.console, name="console"),
    path("seances/<int:pk>/avancer/", views.move_agenda, name="move_agenda"),
    path("seances/<int:pk>/terminer/", views.end_session, name="end_session"),
    path("seances/<int:pk>/rouvrir/", views.reopen_session, name="reopen_session"),
    path("seances/<int:pk>/ordre-du-jour/", views.add_agenda_item, name="add_agenda_item"),
    path("seances/<int:pk>/presence/", views.check_in, name="check_in"),
    path("seances/<int:pk>/presence/annuler/", views.undo_check_in, name="undo_check_in"),
    path("ordre-du-jour/<int:pk>/modifier/", views.edit_agenda_item, name="edit_agenda_item"),
    path("ordre-du-jour/<int:pk>/deplacer/", views.move_agenda_item, name="move_agenda_item"),
    path("ordre-du-jour/<int:pk>/retirer/", views.remove_agenda_item, name="remove_agenda_item"),
    path("seances/<int:pk>/compte-rendu/", views.save_minutes, name="save_minutes"),
    path("amendements/<int:pk>/decision/", views.decide_amendment, name="decide_amendment"),
    path("recommandations/<int:pk>/ouvrir-vote/", views.open_vote, name="open_vote"),
    path("recommandations/<int:pk>/clore-vote/", views.close_vote, name="close_vote"),
    # Organisers
    path("nouveau/", views.panel_create, name="panel_create"),
    path("<int:pk>/gestion/", views.manage, name="manage"),
    path("<int:pk>/gestion/statut/", views.set_status, name="set_status"),
    path("<int:pk>/gestion/animation/", views.assign_facilitator, name="assign_facilitator"),
    path(
        "<int:pk>/gestion/animation/<int:user_pk>/retirer/",
        views.unassign_facilitator,
        name="unassign_facilitator",
    ),
    path("<int:pk>/gestion/consultation/", views.link_consultation, name="link_consultation"),
    path("<int:pk>/gestion/volontaires/", views.import_volunteers, name="import_volunteers"),
    path("<int:pk>/gestion/quotas/", views.save_quotas, name="save_quotas"),
    path("<int:pk>/gestion/quotas/proposer/", views.propose_quotas, name="propose_quotas"),
    path("<int:pk>/gestion/tirage/", views.run_selection, name="run_selection"),
    path("tirages/<int:pk>/abandonner/", views.abandon_selection, name="abandon_selection"),
    path("<int:pk>/gestion/tirage/deux-temps/", views.start_two_step_draw, name="start_two_step_draw"),
    path("tirages/<int:pk>/valeur-publique/", views.enter_public_value, name="enter_public_value"),
    path("membres/<int:pk>/remplacer/", views.replace_member, name="replace_member"),
    path("recommandations/<int:pk>/reponse/", views.record_response, name="record_response"),
    path("jalons/<int:pk>/fait/", views.complete_milestone, name="complete_milestone"),
    path("jalons/<int:pk>/modifier/", views.change_milestone, name="change_milestone"),
]
