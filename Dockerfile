# Maraude application image: gunicorn on port 8000, static files collected and compressed.
# Used by compose.yaml (app, migrate, scheduler); see docs/deployment.md.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STATIC_ROOT=/app/static \
    MEDIA_ROOT=/data/media

# WeasyPrint (PDF summaries) needs Pango and a font; the PostgreSQL client is for restores.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core postgresql-client \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /app --shell /usr/sbin/nologin maraude

WORKDIR /app

# Dependencies first, from pyproject.toml alone: this layer is rebuilt only when they change.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
# Hashed, gzip- and brotli-compressed static files, served by WhiteNoise. The key is a
# placeholder for this build step only (settings refuse to start without one).
RUN DEBUG=false SECRET_KEY=collectstatic-at-build-time-only-never-used-to-sign-anything \
        python manage.py collectstatic --no-input -v0 \
    && mkdir -p /data/media \
    && chown -R maraude:maraude /data

USER maraude
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# nginx is the only client and sits on the compose network, so its forwarded headers are trusted.
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "--bind", "0.0.0.0:8000", "--forwarded-allow-ips", "*", "maraude.wsgi"]
