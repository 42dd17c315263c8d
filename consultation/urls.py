from django.urls import path

from . import answer_views, views

app_name = "consultation"

urlpatterns = [
    path("<slug:slug>/propositions/<int:pk>/vote/", views.vote, name="vote"),  # first: the busiest
    path("", views.consultation_list, name="list"),
    path("mes-contributions/", views.my_contributions, name="mine"),
    path("moderation/", views.moderation, name="moderation"),
    path("reponses/jalons/<int:pk>/", answer_views.proposal_milestone, name="proposal_milestone"),
    path("suivi-des-reponses/", answer_views.followup_all, name="followup_all"),
    path("moderation/<int:pk>/", views.moderate, name="moderate"),
    path("nouvelle/", views.manage, name="create"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/charte/", views.accept_charter, name="accept_charter"),
    path("<slug:slug>/reponses/", views.answer, name="answer"),
    path("<slug:slug>/reponses/abandonner/", views.discard_answers_draft, name="discard_answers_draft"),
    path("<slug:slug>/reponses/retirer/", views.withdraw_answers, name="withdraw_answers"),
    path("<slug:slug>/propositions/", views.proposals, name="proposals"),
    path("<slug:slug>/propositions/<int:pk>/", views.proposal_detail, name="proposal"),
    path("<slug:slug>/proposer/", views.propose, name="propose"),
    path("<slug:slug>/propositions/<int:pk>/signaler/", views.report, name="report"),
    path("<slug:slug>/resultats/", views.results, name="results"),
    path("<slug:slug>/donnees/", views.open_data, name="open_data"),
    path("<slug:slug>/donnees/progression/", views.open_data_progress, name="open_data_progress"),
    path("<slug:slug>/donnees/<int:pk>.zip", views.open_data_download, name="open_data_download"),
    path("<slug:slug>/gerer/", views.manage, name="manage"),
    path("<slug:slug>/gerer/phase/", views.change_phase, name="change_phase"),
    path("<slug:slug>/gerer/charte/", views.charter, name="charter"),
    path("<slug:slug>/gerer/questions/", views.questions, name="questions"),
    path("<slug:slug>/gerer/questions/<int:pk>/supprimer/", views.delete_question, name="delete_question"),
    path(
        "<slug:slug>/gerer/questions/<int:pk>/obligatoire/", views.question_required, name="question_required"
    ),
    path("<slug:slug>/gerer/importer/", views.import_file, name="import"),
    path("<slug:slug>/gerer/importer/progression/", views.import_progress, name="import_progress"),
    # Decision-makers' answers to the proposals and themes (answer_views.py)
    path("<slug:slug>/suivi/", answer_views.followup, name="followup"),
    path("<slug:slug>/gerer/reponses/", answer_views.answer_policy, name="answer_policy"),
    path("<slug:slug>/propositions/<int:pk>/reponse/", answer_views.answer_proposal, name="answer_proposal"),
]
