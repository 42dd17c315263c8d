from django.urls import path, re_path

from . import api

urlpatterns = [
    path("", api.api_root, name="api-root"),
    path("consultations/", api.ConsultationList.as_view(), name="api-consultations"),
    path("consultations/<slug:slug>/", api.ConsultationDetail.as_view(), name="api-consultation"),
    path("consultations/<slug:slug>/questions/", api.QuestionList.as_view(), name="api-questions"),
    path("consultations/<slug:slug>/proposals/", api.ProposalList.as_view(), name="api-proposals"),
    path("consultations/<slug:slug>/votes/", api.VoteList.as_view(), name="api-votes"),
    re_path(r"^[\s\S]*$", api.not_found),  # [\s\S], not ".": an address with a newline is JSON too
]
