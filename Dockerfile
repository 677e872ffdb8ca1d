# Production image: gunicorn behind the platform's proxy; static files served by WhiteNoise.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

# WeasyPrint (the unit report as PDF) draws text with Pango; DejaVu has every Vietnamese glyph.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
RUN DEBUG=1 python manage.py collectstatic --no-input -v0

RUN useradd --system --no-create-home parindex
USER parindex

EXPOSE 8000
# DATABASE_URL, SECRET_KEY (50+ characters) and ALLOWED_HOSTS come from the environment;
# migrations run first.
CMD ["sh", "-c", "python manage.py migrate --no-input && gunicorn parindex.wsgi --bind 0.0.0.0:8000 --workers 3"]
