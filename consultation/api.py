"""Read-only public API (Django REST framework), documented by drf-spectacular at /api/docs/.

Same data as the open-data archive: participants appear only under their pseudonymous id. Errors are
JSON: {"detail": "..."} with a 4xx status.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SCHEMA_KWARGS, SpectacularAPIView
from rest_framework import generics, serializers
from rest_framework.exceptions import NotFound, ParseError, ValidationError
from rest_framework.response import Response

from accounts.refusals import json_refusal

from . import rules, selectors
from .languages import BILINGUAL, language_of, shown
from .models import Choice, Consultation, Proposal, Question, Vote
from .opendata import LICENCE, LICENCE_URL, VOTE_NAMES, pseudonym
from .publish import public_text

_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT, description=gettext_lazy('JSON error: {"detail": message}, or {parameter: message}.')
)
_THROTTLED = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description=gettext_lazy("Too many requests from this address: wait the seconds given in Retry-After."),
)
_LIST_ERRORS = {400: _ERROR, 404: _ERROR, 429: _THROTTLED}


class ShownLanguageField(serializers.ChoiceField):
    """The language of the text that a bilingual field of the API (``title``, ``context``) gives: the same
    rule as the pages' ``lang`` attribute (``languages.shown``), so a client can mark the text the way the
    site does (WCAG 3.1.2) and knows when it got the other language's text."""

    def __init__(self, field: str, **kwargs):
        self.bilingual_field = field
        super().__init__(choices=list(BILINGUAL), read_only=True, source="*", **kwargs)

    def to_representation(self, obj) -> str:
        return shown(obj, self.bilingual_field).language


class ConsultationSerializer(serializers.ModelSerializer):
    title = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy(
            "The title in the request's language (Accept-Language), or in the other one when it has no title "
            "in that language: title_lang says which."
        ),
    )
    title_lang = ShownLanguageField(
        "title", help_text=gettext_lazy("The language title is written in: fr or en.")
    )
    context = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy(
            "The context in the request's language, or in the other one when it has none in that language: "
            "context_lang says which."
        ),
    )
    context_lang = ShownLanguageField(
        "context",
        help_text=gettext_lazy(
            "The language context is written in: fr or en (the request's language when there is no context)."
        ),
    )
    closes_at = serializers.DateTimeField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy(
            "When it closes (open: it closes by itself then) or closed (closed); null when no time is set."
        ),
    )
    ends_on = serializers.SerializerMethodField(
        help_text=gettext_lazy("Deprecated, use closes_at: the day of closes_at, Paris time.")
    )

    class Meta:
        model = Consultation
        fields = ["slug", "title", "title_lang", "title_fr", "title_en", "context", "context_lang", "phase",
                  "starts_on", "closes_at", "ends_on", "moderation", "proposals_allowed",
                  "max_proposal_length"]  # fmt: skip

    def get_ends_on(self, consultation) -> datetime.date | None:
        return timezone.localdate(consultation.closes_at) if consultation.closes_at else None


class ChoiceSerializer(serializers.ModelSerializer):
    answers = serializers.SerializerMethodField()

    class Meta:
        model = Choice
        fields = ["id", "label_fr", "label_en", "exclusive", "answers"]

    def get_answers(self, choice) -> int | None:
        """Number of people who ticked it; null while the consultation is open (no live results)."""
        if not self.context.get("results_public"):
            return None
        return choice.answers.count()


class QuestionSerializer(serializers.ModelSerializer):
    choices = ChoiceSerializer(many=True, read_only=True)
    required = serializers.BooleanField(
        read_only=True,
        help_text=gettext_lazy(
            "Whether participants had to answer this question to save their answers (a forced answer "
            "weighs on how its response rate reads)."
        ),
    )

    class Meta:
        model = Question
        fields = ["id", "position", "kind", "text_fr", "text_en", "required", "choices"]


class ProposalSerializer(serializers.ModelSerializer):
    """A proposal hidden by moderation is listed with its status and the moderators' public reason, as on
    the proposals page and in the open-data archive; its text is never given (empty string)."""

    author = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The text as published: personal data replaced by placeholders such as [phone]; empty when "
            "hidden by moderation or withheld as revealing a person's health."
        )
    )
    language = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "The language the text is written in, as a lower-case language tag such as fr, en or en-gb; "
            "empty when it is unknown or when no text is given."
        )
    )
    status = serializers.ChoiceField(
        choices=[Proposal.Status.VISIBLE, Proposal.Status.HIDDEN],
        read_only=True,
        help_text=gettext_lazy(
            "visible, or hidden by moderation (then text is empty and hide_reason says why)"
        ),
    )
    hide_reason = serializers.CharField(
        read_only=True,
        help_text=gettext_lazy("The moderators' public reason for hiding it; empty when visible."),
    )
    agree = serializers.IntegerField(source="agree_count")
    disagree = serializers.IntegerField(source="disagree_count")
    pass_ = serializers.IntegerField(source="pass_count")

    class Meta:
        model = Proposal
        fields = ["id", "created_at", "source", "author", "status", "text", "language", "hide_reason",
                  "agree", "disagree", "pass_"]  # fmt: skip

    def get_fields(self):
        # "pass" is a Python keyword, so the field is declared as pass_ and renamed here: the data and
        # the OpenAPI schema both say "pass".
        fields = super().get_fields()
        fields["pass"] = fields.pop("pass_")
        return fields

    def get_author(self, proposal) -> str:
        return pseudonym(proposal.consultation, proposal.author_key) if proposal.author_key else ""

    def get_text(self, proposal) -> str:
        if not hasattr(proposal, "_public_text"):  # read by get_language too: scrubbed once
            proposal._public_text = public_text(proposal) or ""
        return proposal._public_text

    def get_language(self, proposal) -> str:
        """The language of the text given (pages mark it with the same rule, consultation/languages.py)."""
        return language_of(proposal) if self.get_text(proposal) else ""


class VoteSerializer(serializers.ModelSerializer):
    participant = serializers.SerializerMethodField()
    vote = serializers.SerializerMethodField()
    voted_at = serializers.DateTimeField(source="updated_at")

    class Meta:
        model = Vote
        fields = ["participant", "proposal", "vote", "voted_at"]

    def get_participant(self, vote) -> str:
        return pseudonym(self.context["consultation"], vote.participant_key)

    def get_vote(self, vote) -> str:
        return VOTE_NAMES[vote.value]


class ConsultationScoped:
    def consultation(self) -> Consultation:
        if not hasattr(self, "_consultation"):
            slug = self.kwargs["slug"]
            self._consultation = selectors.public_consultations().filter(slug=slug).first()
            if self._consultation is None:
                raise NotFound(_("No public consultation has the short name “%(slug)s”.") % {"slug": slug})
        return self._consultation

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if "slug" in self.kwargs:
            context["consultation"] = self.consultation()
            context["results_public"] = rules.can_view_results(AnonymousUser(), self.consultation())
        return context


@extend_schema_view(
    get=extend_schema(responses={200: ConsultationSerializer(many=True), 400: _ERROR, 429: _THROTTLED})
)
class ConsultationList(generics.ListAPIView):
    serializer_class = ConsultationSerializer
    queryset = selectors.public_consultations().order_by("-created_at", "-id")


@extend_schema_view(get=extend_schema(responses={200: ConsultationSerializer, 404: _ERROR, 429: _THROTTLED}))
class ConsultationDetail(generics.RetrieveAPIView):
    serializer_class = ConsultationSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return selectors.public_consultations()

    def get_object(self):
        slug = self.kwargs["slug"]
        consultation = self.get_queryset().filter(slug=slug).first()
        if consultation is None:
            raise NotFound(_("No public consultation has the short name “%(slug)s”.") % {"slug": slug})
        return consultation


@extend_schema_view(
    get=extend_schema(responses={200: QuestionSerializer(many=True), 404: _ERROR, 429: _THROTTLED})
)
class QuestionList(ConsultationScoped, generics.ListAPIView):
    serializer_class = QuestionSerializer
    pagination_class = None

    def get_queryset(self):
        return self.consultation().questions.prefetch_related("choices")


class ProposalList(ConsultationScoped, generics.ListAPIView):
    serializer_class = ProposalSerializer

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "order",
                str,
                enum=["agreed", "divisive", "newest", "id"],
                description=gettext_lazy(
                    "agreed and divisive rank the published proposals only; newest and id (the default) also "
                    "list those hidden by moderation, with their reason and without their text."
                ),
            )
        ],
        responses={200: ProposalSerializer(many=True), **_LIST_ERRORS},
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        order = self.request.query_params.get("order", "id")
        if order not in ("agreed", "divisive", "newest", "id"):
            raise ValidationError({"order": _("Unknown order: use agreed, divisive, newest or id.")})
        if order == "id":
            return (
                selectors.public_proposals(self.consultation()).select_related("consultation").order_by("id")
            )
        return selectors.ordered_proposals(self.consultation(), order, seed=0).select_related("consultation")


@extend_schema_view(get=extend_schema(responses={200: VoteSerializer(many=True), **_LIST_ERRORS}))
class VoteList(ConsultationScoped, generics.ListAPIView):
    serializer_class = VoteSerializer

    def get_queryset(self):
        # As in the open-data archive: the votes on every public proposal, hidden ones included.
        return selectors.public_votes(self.consultation()).order_by("id")


# The API's schema, refusing what its own schema refuses: drf-spectacular's view took any `lang` (a 200
# in the default language for `?lang=AAA`) and answered an unknown `format` with a 404 its schema did
# not list (both found by schemathesis). Its description stays drf-spectacular's (translated).
# Generated once per language and process: it changes only with the code, while generating it costs about
# 100 ms of CPU (measured: 80-130 ms warm), and no throttle counts it (config/urls.py: the documentation
# stays readable after the API's limit), so a client could keep a core busy by asking for it ten times a
# second. Keyed by the supported language the schema is written in (``?lang=`` or Accept-Language).
class SchemaView(SpectacularAPIView):
    __doc__ = SpectacularAPIView.__doc__

    _schemas: dict[tuple[str, str | None], dict] = {}

    def _get_schema_response(self, request):
        try:
            language = translation.get_supported_language_variant(translation.get_language() or "")
        except LookupError:
            language = settings.LANGUAGE_CODE
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (language, version)
        if key not in self._schemas:
            generator = self.generator_class(
                urlconf=self.urlconf, api_version=version, patterns=self.patterns
            )
            with translation.override(language):
                self._schemas[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=self._schemas[key],
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )

    @extend_schema(**{**SCHEMA_KWARGS, "responses": {**SCHEMA_KWARGS["responses"], 400: _ERROR, 404: _ERROR}})
    def get(self, request, *args, **kwargs):
        languages = dict(settings.LANGUAGES)
        if request.query_params.get("lang", settings.LANGUAGE_CODE) not in languages:
            raise ParseError(_("Unknown language: use %(languages)s.") % {"languages": ", ".join(languages)})
        if request.query_params.get("format") == "":  # DRF ignores it; any other unknown format is a 404
            raise NotFound()
        return super().get(request, *args, **kwargs)

    def handle_exception(self, exc):
        """A refusal in JSON, as the rest of the API's, not in the schema's YAML."""
        response = super().handle_exception(exc)
        detail = response.data.get("detail") if isinstance(response.data, dict) else None
        return json_refusal(detail or _("Not found."), response.status_code)


def api_root(request):
    """/api/ itself: where the data and its documentation are (for people and scripts exploring)."""
    return JsonResponse(
        {
            "consultations": request.build_absolute_uri(reverse("api-consultations")),
            "schema": request.build_absolute_uri(reverse("api-schema")),
            "documentation": request.build_absolute_uri(reverse("api-docs")),
            "licence": {"name": LICENCE, "url": LICENCE_URL},
        }
    )


def not_found(request, *args, **kwargs):
    """Unknown addresses under /api/ answer in JSON too."""
    return JsonResponse({"detail": _("Not found.")}, status=404)
