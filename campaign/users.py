"""Users, roles, sign-in and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func
from sqlmodel import select

from campaign.db import Database
from campaign.errors import CampaignError, InvalidInput, NotFound
from campaign.models import ApiToken, LoginAttempt, User

ROLES = ("comms", "manager", "viewer", "admin")
_HASHER = PasswordHasher()
WINDOW = timedelta(minutes=15)
MAX_PER_EMAIL = 5
MAX_PER_ADDRESS = 30


class TooManyAttempts(CampaignError):
    http_status = 429


class BadCredentials(CampaignError):
    http_status = 401


def create_user(
    db: Database, *, email: str, role: str, password: str, name: str = "", now: datetime
) -> User:
    """Create a user (email unique, role one of ROLES, password of 10+ characters)."""
    email = email.strip().lower()
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}: use one of {', '.join(ROLES)}")
    if "@" not in email:
        raise InvalidInput(f"{email!r} is not an e-mail address")
    if len(password) < 10:
        raise InvalidInput("the password needs at least 10 characters")
    with db.session() as session:
        if session.exec(select(User).where(User.email == email)).first() is not None:
            raise InvalidInput(f"a user {email} already exists")
        user = User(
            email=email, name=name, role=role, password_hash=_HASHER.hash(password), created_at=now
        )
        session.add(user)
        session.commit()
        return user


def authenticate(db: Database, *, email: str, password: str, address: str, now: datetime) -> User:
    """Return the user for these credentials; count failures and refuse after too many."""
    email = email.strip().lower()
    with db.session() as session:
        since = now - WINDOW
        by_email = session.exec(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.email == email, LoginAttempt.at > since)
        ).one()
        by_address = session.exec(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.address == address, LoginAttempt.at > since)
        ).one()
        if by_email >= MAX_PER_EMAIL or by_address >= MAX_PER_ADDRESS:
            raise TooManyAttempts("too many failed sign-ins: wait 15 minutes and try again")
        user = session.exec(select(User).where(User.email == email, User.active)).first()
        try:
            ok = user is not None and _HASHER.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            session.add(LoginAttempt(email=email, address=address, at=now))
            session.commit()
            raise BadCredentials("wrong e-mail address or password")
        return user  # type: ignore[return-value]


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(db: Database, *, email: str, name: str, now: datetime) -> str:
    """Create an API token for a user and return it (shown once, stored as a hash)."""
    with db.session() as session:
        user = session.exec(select(User).where(User.email == email.strip().lower())).first()
        if user is None:
            raise NotFound(f"no user {email}")
        token = f"cmp_{secrets.token_urlsafe(32)}"
        session.add(
            ApiToken(
                user_id=user.id,
                name=name,
                token_sha256=_digest(token),  # type: ignore[arg-type]
                created_at=now,
            )
        )
        session.commit()
        return token


def user_for_token(db: Database, token: str) -> User | None:
    with db.session() as session:
        row = session.exec(
            select(User)
            .join(ApiToken, ApiToken.user_id == User.id)  # type: ignore[arg-type]
            .where(ApiToken.token_sha256 == _digest(token), ~ApiToken.revoked, User.active)
        ).first()
        return row


def get_user(db: Database, user_id: int) -> User | None:
    with db.session() as session:
        user = session.get(User, user_id)
        return user if user is not None and user.active else None


def list_users(db: Database) -> list[User]:
    with db.session() as session:
        return list(session.exec(select(User).order_by(User.email)))
