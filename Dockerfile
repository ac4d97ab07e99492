# labelscan: the same install steps as the README (scripts/bootstrap.sh), in two stages.
# Stage 1 builds the virtual environment; stage 2 copies it onto a slim runtime with only the
# Debian packages needed at run time (scripts/system-packages.txt: Tesseract and its English
# data), and runs as a non-root user.
#
#   docker build -t labelscan .
#   docker run -p 8000:8000 -e DATABASE_URL=postgresql://... labelscan
#   docker run labelscan keys create --name phone-app          # any other subcommand
# compose.yaml runs it with PostgreSQL, Redis and a batch worker.

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md ./
COPY app ./app
COPY ocr ./ocr
COPY catalog ./catalog
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-compile .

FROM python:3.11-slim-bookworm AS runtime
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
COPY scripts/system-packages.txt /tmp/system-packages.txt
# Exactly the packages of scripts/system-packages.txt (comments and blank lines skipped), as
# scripts/bootstrap.sh installs them; the list is the one place they are named.
RUN apt-get update \
    && grep -Ev '^[[:space:]]*(#|$)' /tmp/system-packages.txt \
       | xargs apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/* /tmp/system-packages.txt \
    && groupadd --gid 10001 labelscan \
    && useradd --create-home --uid 10001 --gid 10001 labelscan
COPY --from=build /opt/venv /opt/venv
# Image decode limits (checked before any pixel is decoded) are set here, so that an operator
# sees and tunes them in one place; one Tesseract thread per OCR worker (the pool is the
# parallelism). Without DATABASE_URL the database is SQLite in the home folder (var/).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    OMP_THREAD_LIMIT=1 \
    LABELSCAN_MAX_IMAGE_BYTES=25000000 \
    LABELSCAN_MAX_IMAGE_PIXELS=40000000
# By number: a runtime cannot map a user name it does not know (and can check it is not 0).
USER 10001:10001
WORKDIR /home/labelscan
EXPOSE 8000
# The liveness probe (no curl in a slim image: the venv's Python asks /healthz).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]
ENTRYPOINT ["labelscan"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
