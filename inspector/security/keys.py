"""The deployment's Ed25519 signing key: created on first use, owner-only, exported as a public key."""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import Path

import nacl.bindings
import nacl.exceptions
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from inspector import atomicfile
from inspector.errors import BadInput, StorageUnavailable

PRIVATE_KEY_FILE = "signing-key.pem"
PUBLIC_KEY_FILE = "signing-key.pub.pem"
TRUSTED_DIR = "trusted"
SIGNATURE_BYTES = 64


def raw_public_bytes(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """First 8 bytes of SHA-256 of the raw public key, hex: short to print, long enough to tell apart."""
    return hashlib.sha256(raw_public_bytes(public_key)).digest()[:8].hex()


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        return key_id_of(self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self.private_key.sign(message)

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())


def private_pem(key: SigningKey) -> bytes:
    return key.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def write_new_file(path: Path, data: bytes, mode: int = 0o600) -> bool:
    """Write `data` to `path` only if it does not exist yet; False if another writer got there first.

    A crash leaves either no file or the whole file, never a 0-byte key, and two stations starting
    at once never overwrite each other's fresh key (inspector.atomicfile).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    return atomicfile.write_new(path, data, mode)


def replace_file(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Atomically replace `path` (temporary file, fsync, rename): readers see the old or the new file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomicfile.replace(path, data, mode)


def load_key_file(path: Path) -> SigningKey:
    try:
        loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise StorageUnavailable(f"The key file {path} cannot be read ({exc.strerror}).") from exc
    except ValueError as exc:
        raise BadInput(f"The signing key file {path} is damaged.") from exc
    if not isinstance(loaded, Ed25519PrivateKey):
        raise BadInput(f"The signing key file {path} is not an Ed25519 key.")
    return SigningKey(loaded)


def load_or_create_file(path: Path) -> SigningKey:
    """The private key in `path`; created (0600, atomically) if there is none yet."""
    try:
        if not path.exists():
            key = SigningKey.generate()
            if write_new_file(path, private_pem(key)):
                return key
    except OSError as exc:
        raise StorageUnavailable(
            f"The signing key in {path.parent} cannot be read or created ({exc.strerror})."
        ) from exc
    return load_key_file(path)


def load_or_create(keys_dir: Path) -> SigningKey:
    """This station's current signing key; the first call creates it with mode 0600 (owner only)."""
    key = load_or_create_file(keys_dir / PRIVATE_KEY_FILE)
    public = keys_dir / PUBLIC_KEY_FILE
    if not public.exists():
        # The public copy is a convenience; the private key is what matters.
        with contextlib.suppress(OSError):
            replace_file(public, public_pem(key.public_key), 0o644)
    return key


def load_public_key(data: bytes, source: str = "the key") -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError as exc:
        raise BadInput(f"{source} is not a PEM public key.") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise BadInput(f"{source} is not an Ed25519 public key.")
    return key


def trusted_keys(keys_dir: Path, own: SigningKey | None = None) -> dict[str, Ed25519PublicKey]:
    """Key id -> public key: this station's own, every station key of the imported trust files
    (keys_dir/trusted/*.json) and any older single public key imported as keys_dir/trusted/*.pem.

    A verifier's computer (a brand's, a court's) has no key of its own and gets none made here:
    it trusts only what was imported.
    """
    from inspector.security.truststore import trusted_deployments  # the trust files build on this module

    if own is None and (keys_dir / PRIVATE_KEY_FILE).exists():
        own = load_or_create(keys_dir)
    keys = {own.key_id: own.public_key} if own else {}
    for deployment in trusted_deployments(keys_dir).values():
        for entry, _signed in deployment.keys.values():
            keys[entry.kid] = entry.key
    trusted = keys_dir / TRUSTED_DIR
    if trusted.is_dir():
        for pem in sorted(trusted.glob("*.pem")):
            key = load_public_key(pem.read_bytes(), f"The trusted key {pem.name}")
            keys[key_id_of(key)] = key
    return keys


def import_trusted_key(keys_dir: Path, pem: bytes, source: str = "The key file") -> str:
    """Trust another deployment's public key (from `inspector keys export`): keys_dir/trusted/<id>.pem."""
    key = load_public_key(pem, source)
    key_id = key_id_of(key)
    folder = keys_dir / TRUSTED_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{key_id}.pem").write_bytes(public_pem(key))
    except OSError as exc:
        raise StorageUnavailable(
            f"The trusted keys folder {folder} cannot be written ({exc.strerror})."
        ) from exc
    return key_id


def signature_valid(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    """Ed25519 (RFC 8032) check by libsodium through PyNaCl: 53 against OpenSSL's 108 us through
    cryptography on our CPU (benchmarks/trust.py), and stricter (it also refuses small-order keys and
    non-canonical signatures, which no genuine signer makes). Keys and signing stay with cryptography."""
    return raw_signature_valid(raw_public_bytes(public_key), signature, message)


def raw_signature_valid(raw_key: bytes, signature: bytes, message: bytes) -> bool:
    """The same check with the raw 32-byte public key, as trust statements carry it."""
    if len(signature) != SIGNATURE_BYTES or len(raw_key) != 32:
        return False
    try:
        nacl.bindings.crypto_sign_open(signature + message, raw_key)
    except nacl.exceptions.CryptoError:
        return False
    return True
