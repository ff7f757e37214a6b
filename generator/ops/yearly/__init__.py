"""The yearly reports (Articles 9.4, 11.4, 13.4): figures computed once (figures.py), one writer per format."""
