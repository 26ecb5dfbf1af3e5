"""What the tests share: building lessons, opening decks, reading them back. No test module imports
another; each imports from here."""
