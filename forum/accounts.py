"""Who is asking: loading the signed-in member for each request."""

from flask import Flask

from .database import db
from .extensions import login_manager
from .models import User


def load_user(user_id: str) -> User | None:
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return None if user is None or user.deleted_at else user


def init_app(app: Flask) -> None:
    login_manager.user_loader(load_user)
