"""Bureau pages for the school and supervisor register (import and export)."""

urlpatterns: list = []
