"""Django's own messages that its zh_Hans catalogue leaves untranslated or
translates misleadingly.

Named here so that makemessages keeps them in the portal's catalogue, which
Django consults before its own: a foreign key given the id of a row that
does not exist (a stale link, an id typed into the administration) would
otherwise be refused in English. Django's Chinese for a text's length
speaks of a "variable" (确保该变量至少包含 10 字符), and for a NUL
character says "empty strings are not allowed" (不允许是用空字符串): parents
and principals read these under the complaint, self-check and survey
fields, so the portal gives its own words."""

from django.utils.translation import gettext_noop, ngettext_lazy

DJANGO_UNTRANSLATED = (gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),)

# The administration's templates use these, newer than its zh_Hans catalogue
# (the first three are read out by screen readers on every admin index).
DJANGO_ADMIN_UNTRANSLATED = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("In case you’ve forgotten, you are:"),
)

DJANGO_RETRANSLATED = (
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    gettext_noop("Null characters are not allowed."),
)
