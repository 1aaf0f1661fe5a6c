# newswire: Kafka ingestion service for news articles.
#
#   docker build -t newswire:local .
#   docker run --rm newswire:local                      # prints the CLI help
#   docker run --rm -e NEWSWIRE_BOOTSTRAP_SERVERS=kafka:9092 newswire:local newswire consume
#
# Two stages: the first builds a virtualenv with the package and its
# dependencies, the second copies only that virtualenv onto a clean slim image
# and runs it as an unprivileged user.

############################
# build: install into /opt/venv
############################
FROM python:3.11-slim AS build

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

# A C compiler for the enrichers that setup.py compiles with mypyc; only the venv
# reaches the runtime image. The official image carries Python's headers; a base
# with Debian's python3 (scripts/offline-images' stand-in) needs python3-dev.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends gcc libc6-dev \
 && { python -c "import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()['include'], 'Python.h')))" \
      || apt-get install -y -qq --no-install-recommends python3-dev; } \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /src
# Only what the package build needs (pyproject.toml names README.md as the
# long description), so editing seeds or schemas does not re-run the install.
COPY pyproject.toml setup.py README.md ./
COPY services/ services/
# The check: the compiled tokenizer is the one imported.
RUN pip install --no-cache-dir . \
 && newswire --help > /dev/null \
 && cd / && python -c "import newswire.core.enrichers.tokens as t; assert t.__file__.endswith('.so'), t.__file__"

############################
# runtime
############################
FROM python:3.11-slim AS runtime

LABEL org.opencontainers.image.title="newswire" \
      org.opencontainers.image.description="Kafka ingestion service for news articles: produce, consume, enrich"

# Fixed, non-root uid/gid 10001 (numeric so runAsNonRoot-style checks can verify it).
RUN groupadd --system --gid 10001 newswire \
 && useradd --system --uid 10001 --gid 10001 \
      --home-dir /home/newswire --create-home --shell /usr/sbin/nologin newswire

COPY --from=build /opt/venv /opt/venv

WORKDIR /app
# Message schemas and the seed articles (the compose producer mounts ./seeds over
# /app/seeds so new articles can be dropped in without rebuilding).
COPY schemas/ /app/schemas/
COPY seeds/ /app/seeds/

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    NEWSWIRE_METRICS_HOST=0.0.0.0 \
    NEWSWIRE_METRICS_PORT=9300 \
    NEWSWIRE_LOG_FORMAT=json

USER 10001:10001

# /metrics, /healthz, /readyz
EXPOSE 9300

# Only long-running commands (consume, produce --watch) serve /healthz; one-shot
# commands exit before the first check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('NEWSWIRE_METRICS_PORT', '9300'), timeout=4)"]

CMD ["newswire", "--help"]
