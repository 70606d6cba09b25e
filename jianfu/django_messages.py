"""Django's own messages that its zh_Hans catalogue leaves untranslated.

Named here so that makemessages keeps them in the portal's catalogue, which
Django consults before its own: a foreign key given the id of a row that
does not exist (a stale link, an id typed into the administration) would
otherwise be refused in English."""

from django.utils.translation import gettext_noop

DJANGO_UNTRANSLATED = (gettext_noop("%(model)s instance with %(field)s %(value)r is not a valid choice."),)
