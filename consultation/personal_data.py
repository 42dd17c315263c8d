"""What the consultations hold about a person, declared in the personal-data registry of `accounts`
(`accounts.personal_data`); registered in ConsultationConfig.ready."""

from accounts.personal_data import Fate, Stage, register, register_staff_records

from . import services, vote_limit


def register_entries() -> None:
    register(
        "consultation.RateWindow",
        handler=vote_limit.forget_user,
        erase=Fate.DELETE,
        why="The vote's rate-limit window of the person (their account id and a count for a minute); an "
        "address's windows hold only a digest of it and name no one.",
    )
    register(
        "consultation.OpenDataExport",
        handler=services.withdraw_open_data,
        stage=Stage.FIRST,  # it must see the person's contributions to know which archives held them
        erase=Fate.DELETE,
        pseudonymise=Fate.KEEP,
        why="Archives built before hold the person's answers, proposals and votes: withdrawn and rebuilt.",
    )
    register(
        "file:open-data archives",
        by="consultation.OpenDataExport",
        erase=Fate.DELETE,
        pseudonymise=Fate.KEEP,
        why="The ZIP files of the withdrawn archives, removed once the erasure is committed.",
    )
    register(
        "consultation.Vote",
        person="user",
        handler=services.erase_votes,
        erase=Fate.DELETE,
        pseudonymise=Fate.KEEP,
        why="Public contributions: deleted (counters recomputed), or kept under the pseudonym.",
    )
    register(
        "consultation.Proposal",
        person="author",
        handler=services.erase_proposals,
        erase=Fate.DELETE,
        pseudonymise=Fate.BLANK,
        why="Public contributions: deleted, or kept under the pseudonym without the profile answers "
        "copied on them; one awaiting moderation (never public) is deleted.",
    )
    register(
        "consultation.Answer",
        person="user",
        erase=Fate.DELETE,
        pseudonymise=Fate.KEEP,
        why="Public contributions: deleted, or kept under the pseudonym.",
    )
    register("consultation.Report", person="reporter", erase=Fate.DELETE, why="Private: who reported what.")
    register_staff_records(
        "consultation.Consultation.created_by",
        "consultation.CharterVersion.created_by",
        "consultation.PhaseChange.actor",
        "consultation.ContributionImport.created_by",
        work="the consultations",
    )
    register_staff_records(
        "consultation.ProposalAnswer.recorded_by",
        "consultation.AnswerPolicy.updated_by",
        work="the decision-makers' answers",
    )
