"""Loaded by pytest before Django: test runs need no hand-set environment."""

import os

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-5f1c9a")
os.environ.setdefault("DEBUG", "false")
