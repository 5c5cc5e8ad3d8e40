"""Campaigns: communication campaigns and awareness trainings and meetings."""
