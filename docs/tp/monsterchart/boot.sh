#!/bin/sh
# Start Monster Icon on port 5000. CONTEXT=DEV: Flask's development server
# (reloads the code, shows the debugger); CONTEXT=PROD: gunicorn, a production
# WSGI server with 2 worker processes.
set -eu
: "${REDIS_DOMAIN:?must name the Redis host, e.g. REDIS_DOMAIN=redis}"
: "${IMAGEBACKEND_DOMAIN:?must name the image backend host, e.g. IMAGEBACKEND_DOMAIN=imagebackend}"
case "${CONTEXT:-PROD}" in
  DEV)
    exec flask --app monstericon run --host 0.0.0.0 --port 5000 --debug ;;
  PROD)
    exec gunicorn --bind 0.0.0.0:5000 --workers 2 --access-logfile - "monstericon:create_app()" ;;
  *)
    echo "boot.sh: CONTEXT must be DEV or PROD, not '${CONTEXT}'" >&2
    exit 1 ;;
esac
