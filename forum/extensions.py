"""The Flask extensions, created unbound; `create_app` binds them to an app."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf import CSRFProtect

from .database import db

babel = Babel()
compress = Compress()
csrf = CSRFProtect()
login_manager = LoginManager()
# Client addresses live only in the limiter's storage (memory or Redis), never in the database.
limiter = Limiter(get_remote_address)


def rate_limit_storage_answers() -> bool:
    """Whether the rate limits' storage answers now: memory always does; Redis may not, and
    meanwhile each process counts in its own memory (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED)."""
    return limiter.storage.check()


__all__ = ["babel", "compress", "csrf", "db", "limiter", "login_manager"]
