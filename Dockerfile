# One image for every role: migrate, web, worker, scheduler (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 CAMPAIGN_LOG_JSON=true
WORKDIR /app

# Installed the way the README installs it: the package and its dependencies from PyPI.
COPY pyproject.toml README.md ./
COPY campaign ./campaign
COPY assets ./assets
COPY schedules ./schedules
COPY workers ./workers
COPY examples ./examples
RUN pip install --no-cache-dir . && useradd --create-home campaign
USER campaign

EXPOSE 8000
CMD ["campaign", "web", "--host", "0.0.0.0", "--port", "8000"]
