# The portal's image for docker-compose.yml: Debian with the CJK font WeasyPrint
# needs for Chinese PDFs and gettext for the translations.
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext fonts-wqy-microhei fonts-hanazono libpango-1.0-0 libpangoft2-1.0-0 postgresql-client \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir -e .
COPY . .
RUN DJANGO_SETTINGS_MODULE=jianfu.settings.dev python manage.py compilemessages -v0 \
 && useradd --system --home /srv/jianfu jianfu && mkdir -p /srv/jianfu/media /srv/jianfu/static \
 && chown -R jianfu /srv/jianfu
USER jianfu
EXPOSE 8000
