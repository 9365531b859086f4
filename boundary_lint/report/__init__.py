"""Reporters: findings -> text, JSON, SARIF, GitHub annotations, the owner summary, rule docs.
No analysis here.
"""
