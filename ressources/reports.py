"""The "Fiches à revoir" report of the Wagtail admin: fiches dispositifs whose validity has ended
or ends within 30 days, soonest first (the same selection as the reminders, services)."""

import datetime

from wagtail.admin.views.reports import PageReportView

from ressources import services


class FichesToReviewView(PageReportView):
    page_title = "Fiches à revoir"
    header_icon = "time"
    results_template_name = "ressources/admin/fiches_to_review_results.html"
    index_url_name = "ressources_fiches_to_review"
    index_results_url_name = "ressources_fiches_to_review_results"
    any_permission_required = ["change", "publish"]
    export_headings = {
        **PageReportView.export_headings,
        "valid_until": "Valide jusqu'au",
    }
    list_export = [*PageReportView.list_export, "valid_until"]

    def get_filename(self):
        return f"fiches-a-revoir-{datetime.date.today():%Y-%m-%d}"

    def get_queryset(self):
        editable = self.permission_policy.instances_user_has_permission_for(
            self.request.user, "change"
        ).values("pk")
        self.queryset = (
            services.fiches_to_review()
            .filter(pk__in=editable)
            .select_related("content_type")
            .prefetch_workflow_states()
        )
        return super().get_queryset()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["today"] = datetime.date.today()
        return context
