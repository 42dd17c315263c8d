"""django-allauth's own strings that Pacte shows in French, re-declared so that ``makemessages`` puts them
in Pacte's catalogue, where ``scripts/fr_typography.py`` gives them the no-break space French wants before
« : ; ! ? » (allauth's French catalogue has ordinary spaces: "Vous avez déjà un compte ? Vous pouvez…").
Django reads LOCALE_PATHS before the apps' catalogues, so these translations win.

Each msgid must be allauth's exactly (templates named beside it); nothing imports this module."""

from django.utils.translation import gettext_noop

ALLAUTH_MESSAGES = (
    # account/signup.html
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    # account/password_reset.html
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an email allowing you "
        "to reset it."
    ),
    # mfa/recovery_codes/generate.html
    gettext_noop("Are you sure?"),
    # mfa/totp/deactivate_form.html
    gettext_noop("You are about to deactivate authenticator app based authentication. Are you sure?"),
    # account/logout.html
    gettext_noop("Are you sure you want to sign out?"),
    # account/email.html
    gettext_noop("The following email addresses are associated with your account:"),
    gettext_noop("Do you really want to remove the selected email address?"),
    # account/snippets/warn_no_email.html, account/verified_email_required.html
    gettext_noop("Warning:"),
    gettext_noop(
        '<strong>Note:</strong> you can still <a href="%(email_url)s">change your email address</a>.'
    ),
    # account/email/base_message.txt, base_notification.txt (e-mails)
    gettext_noop("Hello from %(site_name)s!"),
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
    gettext_noop("You are receiving this mail because the following change was made to your account:"),
)
