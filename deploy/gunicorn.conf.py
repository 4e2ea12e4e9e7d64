"""gunicorn's settings for one app server of the forum, behind nginx (deploy/nginx/forum.conf):

    gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8001

The forum's own settings come from the environment (DATABASE_URL, REDIS_URL, SECRET_KEY,
TRUSTED_PROXIES, SECURE_COOKIES...: docs/deploy.md; deploy/systemd/forum@.service reads them
from a file). deploy/two_servers.py runs this very file.
"""

import os

wsgi_app = "forum:create_app()"

# Only nginx talks to an app server: 127.0.0.1 when they share a host, otherwise a private
# address, never a public one. Each app server on a host has a port of its own (--bind).
bind = ["127.0.0.1:8001"]

# Processes, each with a few threads: a request spends most of its time waiting for
# PostgreSQL, so a few threads keep a core busy. About one process per core (WEB_CONCURRENCY,
# gunicorn's own variable, says how many). Each process keeps its own pool of database
# connections, and a thread uses one at a time: with 4 threads, a process never needs more
# than 4 of them (SQLAlchemy's pool keeps 5).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = 4

# A request still running after 30 s is stuck (PostgreSQL cancels a statement after 5 s): its
# process is replaced. On SIGTERM (a restart, a deploy), requests under way get 30 s to finish.
timeout = 30
graceful_timeout = 30
# nginx opens a connection for each request (deploy/nginx/forum.conf): none is kept open.
keepalive = 2

# No access log: nobody's network address is written anywhere. Errors go to the journal.
accesslog = None
errorlog = "-"
loglevel = "info"

# Which forwarded headers to believe (X-Forwarded-For, X-Forwarded-Proto) is decided in one
# place, the forum's TRUSTED_PROXIES setting: gunicorn believes none of them itself.
forwarded_allow_ips = ""

# No control socket (gunicorn's own, in the home folder): two app servers on one host would
# fight over its one path. The service manager starts, stops and reloads them.
control_socket_disable = True
