"""Settings of search/ and their defaults (commons.conf.apply_defaults, in ready()). Without
ELASTICSEARCH_URL, search uses the database backend."""

DEFAULTS = {
    "ELASTICSEARCH_URL": "",
    "ELASTICSEARCH_INDEX": "cites-emploi",
    "ELASTICSEARCH_TIMEOUT": 5.0,
    "ELASTICSEARCH_BULK_TIMEOUT": 60.0,
    "ELASTICSEARCH_REPLICAS": 1,
    "ELASTICSEARCH_RETRY_AFTER": 30.0,
    "ELASTICSEARCH_FRENCH_STEMMER": "light_french",
    "ELASTICSEARCH_REFRESH": False,
    # Fewer visible documents than this matching the minimum of words (search.pipeline): a
    # relaxed pass completes the list below them ("Résultats approchants"); 0 turns it off.
    "SEARCH_RELAXED_BELOW": 10,
}
