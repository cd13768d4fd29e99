"""Synthetic data for measuring the site at scale; never run on real data."""
