"""Signing keys, certificate payloads, PIN hashing and roles."""
