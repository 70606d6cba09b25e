from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from .models import ReportJob, SchemeWeight, SchoolScore, ScoreRun, ScoringScheme, VetoRule
from .scoring.indicators import load_indicators
from .scoring.vetoes import load_veto_kinds


class SchemeWeightForm(forms.ModelForm):
    class Meta:
        model = SchemeWeight
        fields = ["indicator", "weight", "params"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"] = forms.ChoiceField(
            label=self.fields["indicator"].label,
            choices=[(k, i.verbose_name) for k, i in sorted(load_indicators().items())],
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
            label=self.fields["kind"].label, choices=[(k, v[0]) for k, v in sorted(load_veto_kinds().items())]
        )


@admin.register(VetoRule)
class VetoRuleAdmin(admin.ModelAdmin):
    form = VetoRuleForm
    list_display = ("name", "kind", "active")
    list_filter = ("active", "kind")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ScoreRun)
class ScoreRunAdmin(ReadOnlyAdmin):
    list_display = ("scheme", "computed_at", "computed_by")
    list_filter = ("scheme",)
    date_hierarchy = "computed_at"


@admin.register(SchoolScore)
class SchoolScoreAdmin(ReadOnlyAdmin):
    list_display = ("school", "run", "total", "rank", "rank_in_type", "district_name", "vetoed")
    list_filter = ("run", "vetoed")
    search_fields = ("school__name", "school__code")
    list_select_related = ("school", "run__scheme__semester__school_year")


@admin.register(ReportJob)
class ReportJobAdmin(ReadOnlyAdmin):
    list_display = ("kind", "requested_by", "status", "progress", "created_at", "finished_at", "attempts")
    list_filter = ("status", "kind")
    date_hierarchy = "created_at"
    search_fields = ("filename", "requested_by__username")
