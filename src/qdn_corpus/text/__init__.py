"""Text in general: decoding and folding, dates a user types, words (jieba)."""
