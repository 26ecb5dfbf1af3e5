"""How decks look: the theme, its colours made legible, the fonts the layout measures with."""
