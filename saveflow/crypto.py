"""Secrets at rest: a keyring of Fernet keys and a column type that encrypts with it.

The keys come from SAVEFLOW_ENCRYPTION_KEY (comma-separated) or, when that is unset, from
instance/encryption_key (one key a line), created once with a random key. The first key
encrypts; every key decrypts, so an old key can stay listed while rows are re-encrypted.
"""

import os
from collections.abc import Iterable
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app
from sqlalchemy import Connection, Engine, MetaData, Text, column, select, table, update
from sqlalchemy.types import TypeDecorator

SETTING = "SAVEFLOW_ENCRYPTION_KEY"
KEY_FILE = "encryption_key"
EXTENSION = "saveflow.keyring"


class UndecryptableValue(Exception):
    """A stored value that no key in the keyring decrypts."""


class Keyring:
    """Fernet keys: the first encrypts, every one decrypts."""

    def __init__(self, keys: list[str], path: Path | None = None):
        if not keys:
            raise ValueError(f"no encryption key in {path or SETTING}")
        self.keys = keys
        # Set when the keys came from the instance file rather than the environment.
        self.path = path
        self._fernet = MultiFernet([_fernet(key, n, len(keys)) for n, key in enumerate(keys, 1)])

    @property
    def source(self) -> str:
        return f"{self.path} ({SETTING} is unset)" if self.path else SETTING

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeEncodeError):
            raise UndecryptableValue(self._undecryptable()) from None

    def rotate(self, token: str) -> str:
        """Return the token re-encrypted with the first key."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError):
            raise UndecryptableValue(self._undecryptable()) from None

    def _undecryptable(self) -> str:
        return (
            f"a stored secret cannot be decrypted with any key in {self.source}; "
            "add the key it was encrypted with (keys are tried in order)"
        )


def _fernet(key: str, n: int, count: int) -> Fernet:
    try:
        return Fernet(key.encode())
    except ValueError:
        # Never echo the key: a typo in one may still reveal most of it.
        raise ValueError(
            f"{SETTING}: key {n} of {count} is not a Fernet key (32 url-safe base64 bytes); "
            "make one with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`"
        ) from None


def parse_keys(raw: str) -> list[str]:
    """Split a key list on commas or newlines, dropping blanks."""
    return [key.strip() for key in raw.replace("\n", ",").split(",") if key.strip()]


def new_key() -> str:
    """Return a fresh random Fernet key."""
    return Fernet.generate_key().decode("ascii")


def keyring_from(raw: str | None, instance_path: str) -> Keyring:
    """Build the keyring from the setting, else from instance/encryption_key (made once)."""
    if raw:
        return Keyring(parse_keys(raw))
    path = Path(instance_path) / KEY_FILE
    path.parent.mkdir(exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return Keyring(parse_keys(path.read_text()), path)
    with os.fdopen(fd, "w") as handle:
        handle.write(new_key() + "\n")
    return Keyring(parse_keys(path.read_text()), path)


def write_key_file(path: Path, keys: Iterable[str]) -> None:
    """Replace the key file in one step, readable by its owner only."""
    temporary = path.with_name(path.name + ".new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write("".join(f"{key}\n" for key in keys))
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def init_app(app: Flask) -> None:
    """Bind the keyring for the app's SAVEFLOW_ENCRYPTION_KEY, failing early on a bad key."""
    bind(app, keyring_from(app.config.get(SETTING), app.instance_path))


def bind(app: Flask, keyring: Keyring) -> None:
    """Make the keyring the one the app's encrypted columns use."""
    app.extensions[EXTENSION] = keyring


def current_keyring() -> Keyring:
    """Return the keyring bound to the current Flask app."""
    keyring = current_app.extensions.get(EXTENSION)
    if keyring is None:
        raise RuntimeError("no encryption keyring bound; create_app binds one (crypto.init_app)")
    return keyring


class EncryptedText(TypeDecorator):
    """Text that is Fernet ciphertext in the table and plaintext in Python.

    Encryption is randomised, so such a column cannot be compared or looked up in SQL.
    """

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else current_keyring().encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else Redacted(current_keyring().decrypt(value))


class Redacted(str):
    """A decrypted value whose repr hides it, as SQLAlchemy's row log and tracebacks show repr."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "'<redacted>'"


def encrypted_columns(metadata: MetaData) -> list[tuple[str, str]]:
    """Return (table, column) for every EncryptedText column on the metadata."""
    return [
        (table.name, column.name)
        for table in metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, EncryptedText)
    ]


def reencrypt(connection: Connection, metadata: MetaData, keyring: Keyring) -> int:
    """Re-encrypt every encrypted column with the keyring's first key; return the value count."""
    count = 0
    for table_name, column_name in encrypted_columns(metadata):
        key = metadata.tables[table_name].primary_key.columns
        # The column as plain Text, so tokens are read and written without the column type.
        raw = table(table_name, *(column(c.name, c.type) for c in key), column(column_name, Text))
        token = raw.c[column_name]
        rows = connection.execute(select(*raw.c).where(token.is_not(None))).all()
        for row in rows:
            match = [raw.c[c.name] == row._mapping[c.name] for c in key]
            rotated = keyring.rotate(row._mapping[column_name])
            connection.execute(update(raw).where(*match).values({column_name: rotated}))
            count += 1
    return count


def rotate_keys(engine: Engine, metadata: MetaData, keyring: Keyring) -> tuple[Keyring, int]:
    """Re-encrypt everything with the first key, in one transaction; return the keyring to use.

    From the environment the operator lists the new key first. From the instance file a new
    key is made and written ahead of the old ones, so a failure part-way leaves every row
    readable; after the commit only the new key is kept.
    """
    path = keyring.path
    if path is None and len(keyring.keys) < 2:
        raise ValueError(
            f'{SETTING} holds one key: set it to "new,old" (a new key first), run this, '
            "then set it to the new key alone"
        )
    if path is not None:
        keyring = Keyring([new_key(), *keyring.keys], path)
        write_key_file(path, keyring.keys)
    with engine.begin() as connection:
        count = reencrypt(connection, metadata, keyring)
    if path is not None:
        keyring = Keyring(keyring.keys[:1], path)
        write_key_file(path, keyring.keys)
    return keyring, count
