"""Analysis of results: statistics, survival, summaries, comparisons of policies, figures and the validation evidence."""
