"""The eight supervision items (督导事项) of 《中小学校责任督学挂牌督导办法》.

They are printed on every school's public sign. The visit checklist that
bureau staff keep in the admin starts from them."""

from django.utils.translation import gettext_lazy as _

SUPERVISION_ITEMS = (
    _("School management and rule-keeping"),
    _("Admission, fees and school choice"),
    _("Curriculum and classroom teaching"),
    _("Pupils' study, physical exercise and workload"),
    _("Teachers' ethics and professional growth"),
    _("Campus, surroundings and traffic safety"),
    _("Canteen, food, drinking water and dormitory hygiene"),
    _("School, teaching and study ethos"),
)
