"""Suggestions engine: the sources a topic watches, the candidates found in them."""
