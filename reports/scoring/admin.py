from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin

from reports import registry
from reports.jobs.admin import ReadOnlyAdmin
from reports.models import (
    PublishedNotice,
    SchemeWeight,
    SchoolScore,
    ScoreRun,
    ScoringScheme,
    VetoConfirmation,
    VetoRule,
)


class SchemeWeightForm(forms.ModelForm):
    class Meta:
        model = SchemeWeight
        fields = ["indicator", "weight", "params"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"] = forms.ChoiceField(
            label=self.fields["indicator"].label,
            choices=[(k, i.verbose_name) for k, i in sorted(registry.indicators.items())],
        )


class SchemeWeightInline(admin.TabularInline):
    model = SchemeWeight
    form = SchemeWeightForm
    extra = 0


@admin.register(ScoringScheme)
class ScoringSchemeAdmin(admin.ModelAdmin):
    list_display = ("semester", "updated_at")
    inlines = [SchemeWeightInline]


class VetoRuleForm(forms.ModelForm):
    class Meta:
        model = VetoRule
        fields = ["name", "kind", "params", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"] = forms.ChoiceField(
            label=self.fields["kind"].label, choices=[(k, v.label) for k, v in sorted(registry.veto_kinds.items())]
        )


@admin.register(VetoRule)
class VetoRuleAdmin(admin.ModelAdmin):
    form = VetoRuleForm
    list_display = ("name", "kind", "active")
    list_filter = ("active", "kind")


@admin.register(ScoreRun)
class ScoreRunAdmin(ReadOnlyAdmin):
    list_display = ("scheme", "computed_at", "computed_by", "status", "document_number")
    list_filter = ("scheme",)
    date_hierarchy = "computed_at"


@admin.register(SchoolScore)
class SchoolScoreAdmin(ReadOnlyAdmin):
    list_display = ("school", "run", "total", "rank", "rank_in_type", "district_name", "vetoed")
    list_filter = ("run", "vetoed")
    search_fields = ("school__name", "school__code")
    list_select_related = ("school", "run__scheme__semester__school_year")


@admin.register(VetoConfirmation)
class VetoConfirmationAdmin(ReadOnlyAdmin):
    list_display = ("visit_result", "state", "decided_on", "decided_by")
    list_filter = ("state",)


@admin.register(PublishedNotice)
class PublishedNoticeAdmin(ReadOnlyAdmin):
    list_display = ("document_number", "title", "created_at")
