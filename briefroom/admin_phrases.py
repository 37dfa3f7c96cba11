"""Django admin phrases that Briefroom's catalogues translate again, for Chinese that reads well.

Django's zh-Hans admin puts spaces around every name it fills in ("选择 文章 来修改", "以 类型")
and calls one button "取消选中" where it deletes. Our catalogue in locale/ is searched before
Django's, so a msgid listed here is translated our way. Nothing calls these: they are listed
so that `make messages` keeps them in the catalogue. The msgids must match Django's exactly.
"""

from django.contrib.admin.templatetags import admin_list
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext, gettext_noop, ngettext_lazy

PHRASES = (
    # Forms' label suffix: Django's zh-Hans keeps the ASCII colon after Chinese labels.
    gettext_noop(":"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s to view"),
    gettext_noop("Select %s"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    gettext_noop("Add %(name)s"),
    gettext_noop("Add another %(verbose_name)s"),
    gettext_noop("Add another %(model)s"),
    gettext_noop("Delete selected %(model)s"),
    gettext_noop("Delete selected %(verbose_name_plural)s"),
    gettext_noop("Successfully deleted %(count)d %(items)s."),
    gettext_noop("Select all %(total_count)s %(module_name)s"),
    gettext_noop("Change history: %s"),
    gettext_noop(" By %(filter_title)s "),
    gettext_noop("The {name} “{obj}” was added successfully."),
    gettext_noop("The {name} “{obj}” was changed successfully."),
    gettext_noop("The {name} “{obj}” was added successfully. You may add another {name} below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may edit it again below."),
    gettext_noop("The {name} “{obj}” was changed successfully. You may add another {name} below."),
    gettext_noop("The %(name)s “%(obj)s” was deleted successfully."),
    # Newer than Django's zh-Hans catalogue, so English on a Chinese screen without these.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    # django-admin-sortable2 has no Chinese catalogue.
    gettext_noop("Move to first position"),
    gettext_noop("Move to last position"),
    # django-axes has no Chinese catalogue: its models' names on the login-attempt pages.
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("Username"),
    gettext_noop("Path"),
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("Access lock out"),
)

PLURAL_PHRASES = (
    ngettext_lazy(
        "%(count)s %(name)s was changed successfully.",
        "%(count)s %(name)s were changed successfully.",
        "count",
    ),
)


BOOLEAN_ICONS = {True: "yes", False: "no", None: "unknown"}


def boolean_icon(value: bool | None) -> SafeString:
    """Django's yes/no icon, with its text in the screen's language instead of "True"."""
    text = {True: gettext("Yes"), False: gettext("No"), None: gettext("Unknown")}[value]
    return format_html(
        '<img src="{}" alt="{}">', static(f"admin/img/icon-{BOOLEAN_ICONS[value]}.svg"), text
    )


def translate_boolean_icons() -> None:
    # The admin's list and read-only fields import this helper from its module when they
    # render, so replacing it there is enough.
    admin_list._boolean_icon = boolean_icon  # type: ignore[attr-defined]
