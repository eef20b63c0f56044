"""Administrators configure who receives each funding agreement's scheduled summary."""

from django.contrib import admin

from outreach.models import FunderSummarySchedule


@admin.register(FunderSummarySchedule)
class FunderSummaryScheduleAdmin(admin.ModelAdmin):
    list_display = ["agreement", "frequency", "is_active", "last_period_sent"]
    list_filter = ["frequency", "is_active"]
    readonly_fields = ["last_period_sent"]
    search_fields = ["agreement__reference", "recipients"]
