"""Holding under attack: the HTTP edge, rate limits and counts of what was refused."""
