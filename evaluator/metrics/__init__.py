"""Metrics: sacrebleu's lexical metrics, BERTScore, and significance tests."""
