"""What a run's findings go through after checking: the baseline, changed lines, reasons.
"""
