# labelscan: the same install steps as the README (scripts/bootstrap.sh), in two stages.
# Stage 1 builds the virtual environment; stage 2 copies it onto a slim runtime with only the
# Debian packages needed at run time, and runs as a non-root user.

FROM python:3.11-slim-bookworm AS build
WORKDIR /src
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md ./
COPY app ./app
COPY ocr ./ocr
COPY catalog ./catalog
RUN python -m venv /opt/venv \
    && /opt/venv/bin/pip install --no-compile .

FROM python:3.11-slim-bookworm AS runtime
COPY scripts/system-packages.txt /tmp/system-packages.txt
# The same Debian packages as scripts/bootstrap.sh (Tesseract with its English data, fonts).
RUN apt-get update \
    && grep -v '^#' /tmp/system-packages.txt | xargs apt-get install -y --no-install-recommends \
    && rm -rf /var/lib/apt/lists/* /tmp/system-packages.txt \
    && useradd --create-home --uid 10001 labelscan
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    OMP_THREAD_LIMIT=1 \
    PYTHONUNBUFFERED=1
USER labelscan
WORKDIR /home/labelscan
ENTRYPOINT ["labelscan"]
CMD ["parse", "-"]
