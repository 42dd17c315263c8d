"""Who took part in a consultation: the one definition of a *participant*, read by its page, its card in
the lists, and the organisers' dashboard (analysis.kpis counts the same people, week by week).

A participant is a person who answered the questionnaire, submitted a proposal or voted, counted once
whatever they did and however often: a person with an account under their key ``u<id>``
(services.participant_key_for), people imported with their contributions (Pol.is, a CSV file) under their
pseudonymous key. Imported proposals without an author count nobody.

The counts of many consultations come from one statement (a list page costs one query, whatever its
length), and are kept in the cache for ``CACHE_SECONDS``: a new participant is counted within a minute."""

from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection

from .models import Answer, Proposal, Question, Vote

CACHE_SECONDS = 60


def _statement(count: int) -> str:
    answer, question = Answer._meta.db_table, Question._meta.db_table
    proposal, vote = Proposal._meta.db_table, Vote._meta.db_table
    ids = ", ".join(["%s"] * count)  # table names from the models, ids as parameters
    return f"""
        SELECT consultation_id, COUNT(DISTINCT person) FROM (
            SELECT q.consultation_id, 'u' || CAST(a.user_id AS TEXT) AS person
              FROM {answer} a JOIN {question} q ON q.id = a.question_id WHERE q.consultation_id IN ({ids})
            UNION
            SELECT consultation_id, author_key FROM {proposal}
             WHERE author_key <> '' AND consultation_id IN ({ids})
            UNION
            SELECT p.consultation_id, v.participant_key
              FROM {vote} v JOIN {proposal} p ON p.id = v.proposal_id WHERE p.consultation_id IN ({ids})
        ) people GROUP BY consultation_id"""  # noqa: S608


def _key(consultation_id: int) -> str:
    return f"consultation:participants:{consultation_id}"


def participant_counts(consultation_ids: Iterable[int]) -> dict[int, int]:
    """Consultation id -> its number of participants (0 for none), in at most one query."""
    ids = sorted(set(consultation_ids))
    if not ids:
        return {}
    cached = cache.get_many([_key(pk) for pk in ids])
    counts = {pk: cached[_key(pk)] for pk in ids if _key(pk) in cached}
    missing = [pk for pk in ids if pk not in counts]
    if missing:
        with connection.cursor() as cursor:
            cursor.execute(_statement(len(missing)), missing * 3)
            found = dict(cursor.fetchall())
        fresh = {pk: found.get(pk, 0) for pk in missing}
        cache.set_many({_key(pk): n for pk, n in fresh.items()}, CACHE_SECONDS)
        counts.update(fresh)
    return counts


def participant_count(consultation) -> int:
    return participant_counts([consultation.pk])[consultation.pk]
