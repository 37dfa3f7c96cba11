# Briefroom's one image: web (gunicorn), worker and beat (celery) and migrate differ by command.
# See docker-compose.yml and docs/operations.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# postgresql-client 15 (pg_dump, pg_restore) for scripts/backup.sh and manage.py backup_check;
# it matches the postgres:15 service, and pg_restore must be at least as new as the dump.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --user-group briefroom
WORKDIR /app

COPY requirements.prod.lock ./
RUN pip install --requirement requirements.prod.lock

COPY --chown=briefroom:briefroom . .

# The message catalogues Django reads, compiled from locale/*/LC_MESSAGES/django.po.
RUN pybabel --quiet compile --directory locale --domain django

# Static files are collected into the image, with hashed names for WhiteNoise's manifest;
# the settings need production-shaped values to load, none of which is kept.
RUN DJANGO_PRODUCTION=true \
    DJANGO_SECRET_KEY=collectstatic-only-not-a-secret-collectstatic-only-not-a-secret \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown briefroom:briefroom /app /app/media

USER briefroom
EXPOSE 8000
CMD ["gunicorn", "--config", "gunicorn.conf.py", "briefroom.wsgi:application"]
