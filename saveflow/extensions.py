"""Extension objects, created bare and bound to the app in create_app."""

from typing import TYPE_CHECKING

from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names so Alembic revisions are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# Requests commit once at the end; keeping loaded state after commit saves a reload per row.
db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})
migrate = Migrate()

if TYPE_CHECKING:
    # Type checkers cannot see the class Flask-SQLAlchemy builds at run time; it is a Base.
    Model = Base
else:
    Model = db.Model

# The admin's sign-in sessions and CSRF tokens; both guard the admin blueprint alone.
login_manager = LoginManager()
csrf = CSRFProtect()
