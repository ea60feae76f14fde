"""French regions by INSEE code (2016 map), for the directory filter and fiches d'identité."""

REGIONS = [
    ("84", "Auvergne-Rhône-Alpes"),
    ("27", "Bourgogne-Franche-Comté"),
    ("53", "Bretagne"),
    ("24", "Centre-Val de Loire"),
    ("94", "Corse"),
    ("44", "Grand Est"),
    ("32", "Hauts-de-France"),
    ("11", "Île-de-France"),
    ("28", "Normandie"),
    ("75", "Nouvelle-Aquitaine"),
    ("76", "Occitanie"),
    ("52", "Pays de la Loire"),
    ("93", "Provence-Alpes-Côte d'Azur"),
    ("01", "Guadeloupe"),
    ("02", "Martinique"),
    ("03", "Guyane"),
    ("04", "La Réunion"),
    ("06", "Mayotte"),
]
REGION_LABELS = dict(REGIONS)
