"""Daily rollups of decided sessions, kept with every change: what reports read instead of sessions."""
