"""Who is asking: loading the signed-in member for each request."""

from flask import Flask
from sqlalchemy import select

from .database import db
from .extensions import login_manager
from .models import User


def load_user(session_token: str) -> User | None:
    """The member whose current session token the cookie carries; an old token finds nobody."""
    return db.session.scalar(select(User).where(User.session_token == session_token))


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
