"""Who may do what in broad listening, as predicates."""

from accounts.roles import Role, has_role
from consultation import rules as consultation_rules


def can_run_analysis(user) -> bool:
    """Start, resume and follow pipeline runs."""
    return has_role(user, Role.ORGANISER)


def can_edit_synthesis(user) -> bool:
    """Rename, merge, split, hide themes and move contributions: a new version each time."""
    return has_role(user, Role.ORGANISER)


def can_publish_synthesis(user) -> bool:
    return has_role(user, Role.ORGANISER)


def can_see_health_flags(user) -> bool:
    """Which contributions reveal a personal health condition: moderators and organisers only."""
    return has_role(user, Role.MODERATOR, Role.ORGANISER)


def can_read_synthesis(user, consultation) -> bool:
    """The synthesis pages and exports of a consultation: whoever may see the consultation (a draft's do
    not exist for anyone else; which version each reader sees is the views' `_version_for`)."""
    return consultation_rules.can_view(user, consultation)


def can_link_themes(user, recommendation) -> bool:
    """Link a panel recommendation to themes of its consultation's synthesis, confirm or dismiss Pacte's
    suggestions: whoever runs the panel (its facilitators, organisers: ``deliberation.rules``)."""
    from deliberation.rules import can_run_panel

    return bool(getattr(user, "is_authenticated", False)) and can_run_panel(user, recommendation.panel)


def can_see_dashboard(user, consultation=None) -> bool:
    """The organisers' dashboard of who took part (one consultation, or all): organisers only."""
    return has_role(user, Role.ORGANISER)
