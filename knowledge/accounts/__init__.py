"""Staff accounts: users and roles, argon2 passwords, login sessions with
throttling, and who may do what (checked on the server, per object).

Plain Python over SQLAlchemy, like the rest of knowledge/: the web app calls it,
and `python -m knowledge.users` creates accounts.
"""

from knowledge.accounts.permissions import Forbidden, Principal
from knowledge.accounts.roles import ROLES

__all__ = ["Forbidden", "Principal", "ROLES"]
