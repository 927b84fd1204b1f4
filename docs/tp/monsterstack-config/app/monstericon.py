"""Monster Icon, the frontend of monsterstack.

Type a name: the page shows the monster (an identicon) drawn for the SHA-256
hash of that name. The frontend draws nothing itself: it asks the image
backend (amouat/dnmonster) for the PNG and keeps each image in Redis, which
also counts the visits of the home page.

Configuration, read from the environment when the application starts:
    REDIS_DOMAIN         host name of Redis (port 6379, or host:port)
    IMAGEBACKEND_DOMAIN  host name of the image backend (port 8080, or host:port)
    REDIS_PASSWORD       password of Redis, when it asks for one (optional; chapter 4)
boot.sh reads CONTEXT to pick the server (DEV: Flask's, PROD: gunicorn).
"""

from __future__ import annotations

import hashlib
import os
import re
import socket
import urllib.error
import urllib.request

import redis
from flask import Flask, Response, render_template, request
from redis.backoff import NoBackoff
from redis.retry import Retry

REDIS_PORT = 6379
IMAGEBACKEND_PORT = 8080
IMAGE_SIZE = 100  # pixels, asked of the backend
BACKEND_TIMEOUT = 5  # seconds
REDIS_TIMEOUT = 1  # seconds: /healthz answers fast when Redis is gone
DEFAULT_NAME = "monstre"
NAME_RULE = "Un nom compte de 1 à 40 caractères : lettres, chiffres, espaces, - _ . '"
VALID_NAME = re.compile(r"[\w .'-]{1,40}")
IMAGE_KEY = "monster:{}"  # Redis key of a cached image, by hash
VISITS_KEY = "visits"


class BadName(ValueError):
    """A name the form refuses (empty, too long, or with other characters)."""


class BackendError(RuntimeError):
    """The image backend could not give an image."""


def create_app() -> Flask:
    """Build the application from the environment (gunicorn and `flask --app` call this)."""
    redis_host, redis_port = _address("REDIS_DOMAIN", REDIS_PORT)
    backend_host, backend_port = _address("IMAGEBACKEND_DOMAIN", IMAGEBACKEND_PORT)
    app = Flask(__name__)
    app.config.update(
        REDIS_ADDRESS=f"{redis_host}:{redis_port}",
        IMAGEBACKEND_URL=f"http://{backend_host}:{backend_port}",
    )
    store = redis.Redis(
        host=redis_host,
        port=redis_port,
        password=os.environ.get("REDIS_PASSWORD") or None,
        socket_connect_timeout=REDIS_TIMEOUT,
        socket_timeout=REDIS_TIMEOUT,
        retry=Retry(NoBackoff(), 0),  # no retries: /healthz and the page say at once that Redis is gone
    )

    @app.get("/")
    def home():
        name = request.args.get("name", DEFAULT_NAME).strip()
        check_name(name)
        try:
            visits = store.incr(VISITS_KEY)
        except redis.RedisError:
            visits = None
        return render_template(
            "index.html",
            name=name,
            hostname=socket.gethostname(),
            visits=visits,
            redis_address=app.config["REDIS_ADDRESS"],
        )

    @app.get("/monster/<name>")
    def monster(name: str):
        check_name(name)
        digest = name_hash(name)
        key = IMAGE_KEY.format(digest)
        try:
            image = store.get(key)
        except redis.RedisError:
            image = None  # no cache without Redis: the backend still draws
        if image is not None:
            return _png(image, cache="HIT")
        image = fetch_image(app.config["IMAGEBACKEND_URL"], digest)
        try:
            store.set(key, image)
        except redis.RedisError:
            pass
        return _png(image, cache="MISS")

    @app.get("/healthz")
    def healthz():
        try:
            store.ping()
        except redis.RedisError as error:
            return {"ready": False, "redis": f"{app.config['REDIS_ADDRESS']}: {error}"}, 503
        return {"ready": True}, 200

    @app.errorhandler(BadName)
    def bad_name(error):
        return _error_page(400, "Nom refusé", str(error))

    @app.errorhandler(BackendError)
    def backend_error(error):
        return _error_page(502, "Image indisponible", str(error))

    @app.errorhandler(404)
    def not_found(_error):
        return _error_page(404, "Page introuvable", f"Aucune page à l'adresse {request.path}.")

    @app.errorhandler(500)
    def internal_error(_error):
        return _error_page(500, "Erreur interne", "Le frontend a rencontré une erreur ; voyez ses journaux.")

    return app


def check_name(name: str) -> None:
    if not VALID_NAME.fullmatch(name):
        raise BadName(f"Le nom « {name} » n'est pas accepté. {NAME_RULE}.")


def name_hash(name: str) -> str:
    return hashlib.sha256(name.encode("utf-8")).hexdigest()


def fetch_image(backend_url: str, digest: str) -> bytes:
    """Ask the backend for the monster of a hash: GET /monster/<hash>?size=100."""
    url = f"{backend_url}/monster/{digest}?size={IMAGE_SIZE}"
    try:
        with urllib.request.urlopen(url, timeout=BACKEND_TIMEOUT) as response:
            return response.read()
    except urllib.error.HTTPError as error:
        raise BackendError(f"Le backend d'images ({backend_url}) a répondu {error.code}.") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise BackendError(f"Le backend d'images ({backend_url}) ne répond pas : {reason}.") from None


def _address(variable: str, default_port: int) -> tuple[str, int]:
    value = os.environ.get(variable, "").strip()
    if not value:
        raise RuntimeError(f"{variable} is not set: give the host name of the service, e.g. {variable}=redis")
    host, _, port = value.partition(":")
    if port and not port.isdigit():
        raise RuntimeError(f"{variable}={value}: expected a host name or host:port")
    return host, int(port or default_port)


def _png(image: bytes, *, cache: str) -> Response:
    # X-Cache says whether Redis had the image (HIT) or the backend drew it (MISS).
    return Response(image, mimetype="image/png", headers={"X-Cache": cache})


def _error_page(status: int, title: str, message: str):
    return render_template("error.html", status=status, title=title, message=message), status
