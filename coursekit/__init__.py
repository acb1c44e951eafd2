"""Code the book's pages share: toy data, 2-D loss surfaces, plotting helpers."""
