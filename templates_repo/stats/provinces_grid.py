"""The 38 provinces on a tile grid: each province one square, at the row and column that mirror its place
on the map of Indonesia, west to east (Aceh at the top left, the Papuan provinces at the right) and north
to south (Sumatra falls to the south-east, Java, Bali and Nusa Tenggara make the bottom row).

Why a grid and not a map: no data set of province boundaries with a licence that allows redistribution is
installable from the package registries available to this project, and a tile grid gives every province
the same weight (Jakarta is not a dot beside Papua), which suits counts per province. A new province (a
split, as Papua's in 2022) gets its own free square here; the tests check that all 38 codes of the
registry are placed, once each, with no two on one square.

(code, short label, row, column)
"""

ROWS, COLUMNS = 7, 15

GRID: tuple[tuple[str, str, int, int], ...] = (
    # Sumatra and its islands
    ("11", "ACEH", 0, 0),
    ("12", "SUMUT", 1, 1),
    ("21", "KEPRI", 1, 3),
    ("13", "SUMBAR", 2, 1),
    ("14", "RIAU", 2, 2),
    ("17", "BKL", 3, 1),
    ("15", "JAMBI", 3, 2),
    ("19", "BABEL", 3, 3),
    ("16", "SUMSEL", 4, 2),
    ("18", "LAMPUNG", 4, 3),
    # Java, Bali and Nusa Tenggara
    ("31", "DKI", 4, 4),
    ("36", "BANTEN", 5, 3),
    ("32", "JABAR", 5, 4),
    ("33", "JATENG", 5, 5),
    ("34", "DIY", 6, 5),
    ("35", "JATIM", 5, 6),
    ("51", "BALI", 5, 7),
    ("52", "NTB", 5, 8),
    ("53", "NTT", 5, 9),
    # Kalimantan
    ("65", "KALTARA", 1, 7),
    ("61", "KALBAR", 2, 5),
    ("62", "KALTENG", 2, 6),
    ("64", "KALTIM", 2, 7),
    ("63", "KALSEL", 3, 7),
    # Sulawesi
    ("75", "GTLO", 1, 9),
    ("71", "SULUT", 1, 10),
    ("72", "SULTENG", 2, 9),
    ("76", "SULBAR", 3, 8),
    ("73", "SULSEL", 3, 9),
    ("74", "SULTRA", 3, 10),
    # Maluku
    ("82", "MALUT", 1, 11),
    ("81", "MALUKU", 3, 11),
    # Papua
    ("96", "PBD", 2, 12),
    ("92", "PABAR", 2, 13),
    ("91", "PAPUA", 2, 14),
    ("94", "PATENG", 3, 13),
    ("95", "PAPEG", 3, 14),
    ("93", "PASEL", 4, 14),
)
