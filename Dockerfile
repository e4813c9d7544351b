FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=unionportal.settings.production \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# A Chinese font for the charts of the monthly summary; the AR PL Ming (宋/仿宋) and Kai (楷) fonts for
# the official-document DOCX (bulletins, agreements), with FangSong/SimSun/KaiTi mapped onto them.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-wqy-microhei fonts-arphic-uming fonts-arphic-ukai fontconfig \
 && rm -rf /var/lib/apt/lists/*
COPY deploy/fonts/60-gongwen.conf /etc/fonts/conf.d/60-gongwen.conf
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
# collectstatic needs settings but no real secrets or database.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    python manage.py collectstatic --noinput \
 && useradd --create-home --uid 1000 portal \
 && mkdir -p /app/var/media && chown -R portal /app/var

USER portal
EXPOSE 8000
CMD ["gunicorn", "unionportal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
