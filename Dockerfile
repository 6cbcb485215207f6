# The release served as `make serve-cluster` serves it: Datasette processes, one per core and a spare,
# behind nginx, on port 8001. Build after `make release` (the image holds dist/'s
# database and inspect file):
#
#   make release
#   docker build -t litdb .
#   docker run --read-only --tmpfs /tmp -p 8001:8001 litdb --public-url https://example.org
#
# docs/deploy.md says more (and what has been checked of this file without Docker).
FROM python:3.11-slim-bookworm

# Debian's nginx (the version the tests run against: bookworm's 1.22), nothing else.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx \
 && rm -rf /var/lib/apt/lists/*

# The pinned requirements, installed as root into the image's Python; no pip cache.
COPY requirements.txt /srv/litdb/requirements.txt
RUN pip install --no-cache-dir --disable-pip-version-check -r /srv/litdb/requirements.txt

# The site: code, metadata, templates, plugins, the cluster's script and nginx template.
COPY litdb/ /srv/litdb/litdb/
COPY plugins/ /srv/litdb/plugins/
COPY templates/ /srv/litdb/templates/
COPY metadata.yml LICENSE CITATION.cff /srv/litdb/
COPY scripts/__init__.py scripts/cluster.py scripts/nginx.conf.template /srv/litdb/scripts/
# The release's database and inspect file (make release).
COPY dist/literature.db dist/inspect-data.json /srv/litdb/data/

# A user of its own, owning nothing: the files above stay root's and read-only to it.
RUN useradd --system --uid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin litdb
USER 10001
WORKDIR /srv/litdb
# Nothing is written beside the code (the root file system may be read-only): no
# bytecode files; nginx's config, cache, temporary files and logs go to /tmp.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1

EXPOSE 8001
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8001/-/versions.json', timeout=4)"]

ENTRYPOINT ["python", "scripts/cluster.py", "--host", "0.0.0.0", "--port", "8001", "--db", "/srv/litdb/data/literature.db", "--inspect-file", "/srv/litdb/data/inspect-data.json", "--runtime", "/tmp/litdb-cluster"]
# Extra arguments, e.g. --public-url https://example.org --workers 4
CMD []
