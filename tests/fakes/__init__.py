"""Test doubles of external services, served on loopback for the real SDKs to talk to."""
