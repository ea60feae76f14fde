from tests.minimal_site import site_settings

globals().update(site_settings("pilotage"))
