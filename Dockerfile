# Production image of the PAR Index portal: gunicorn serving Django, static files by WhiteNoise.
# Build: docker build -t parindex .   Run: see docs/deployment.md (DATABASE_URL, SECRET_KEY,
# ALLOWED_HOSTS come from the environment; migrations run as a separate one-off command).

# --- build: the virtual environment, compiled translations and collected static files ---
FROM python:3.11-slim-bookworm AS build

ENV PYTHONDONTWRITEBYTECODE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# compilemessages needs gettext's msgfmt; only in this stage.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*

RUN python -m venv /venv
# The lock file: every package, direct or not, pinned and checked against its hash (`make lock`
# writes it from requirements.txt).
COPY requirements.lock /app/requirements.lock
RUN /venv/bin/pip install --no-cache-dir --require-hashes --no-deps -r /app/requirements.lock

WORKDIR /app
COPY manage.py gunicorn.conf.py /app/
COPY parindex /app/parindex
COPY provinces /app/provinces
COPY scoring /app/scoring
COPY surveys /app/surveys
COPY public /app/public
COPY staff /app/staff
COPY files /app/files
COPY runtime /app/runtime
COPY charts /app/charts
COPY templates /app/templates
COPY static /app/static
COPY locale /app/locale
COPY fixtures /app/fixtures
# Settings need a key to load; this one exists only in this build step.
RUN DEBUG=1 SECRET_KEY=build-only-key-never-used-at-runtime /venv/bin/python manage.py compilemessages --ignore=/venv -v0 \
    && DEBUG=1 SECRET_KEY=build-only-key-never-used-at-runtime /venv/bin/python manage.py collectstatic --no-input -v0

# --- runtime: the venv and the app, no compilers, a user without privileges ---
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/venv/bin:$PATH
# WeasyPrint (the unit report as PDF) draws text with Pango; DejaVu has every Vietnamese glyph;
# curl answers the HEALTHCHECK.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core curl \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin parindex \
    && mkdir -p /data/evidence && chown parindex /data/evidence
COPY --from=build /venv /venv
COPY --from=build /app /app
WORKDIR /app

USER parindex
# Uploaded evidence lives on a volume, never under the static root.
ENV EVIDENCE_ROOT=/data/evidence
VOLUME ["/data/evidence"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8000/healthz || exit 1
CMD ["gunicorn", "-c", "gunicorn.conf.py", "parindex.wsgi"]
