# One image for web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    libharfbuzz-subset0 fonts-dejavu-core gettext \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install -q . && python manage.py compilemessages --ignore=.venv -v0 && useradd --system --uid 10001 privacy && mkdir -p /app/var && chown privacy /app/var
USER privacy
ENV DJANGO_SETTINGS_MODULE=micropim_privacy.settings.production
RUN SECRET_KEY=build FIELD_ENCRYPTION_KEY=build DATABASE_URL=sqlite:////tmp/build.db \
    python manage.py collectstatic --noinput -v0
EXPOSE 8000
CMD ["gunicorn", "micropim_privacy.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
