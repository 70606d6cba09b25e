"""The reports app's pages under /reports/, namespaced ``reports:``; each
subject keeps its own URL list."""

from reports.dashboard.urls import urlpatterns as dashboard_urls
from reports.jobs.urls import urlpatterns as jobs_urls
from reports.modelschools.urls import urlpatterns as modelschools_urls
from reports.scoring.urls import urlpatterns as scoring_urls

app_name = "reports"
urlpatterns = [*jobs_urls, *dashboard_urls, *scoring_urls, *modelschools_urls]
