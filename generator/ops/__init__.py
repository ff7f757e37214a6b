"""The operator's and reviewers' recurring jobs: withdrawing a dataset, CODEOWNERS, the scheduled
catalogue review and the weekly link check."""
