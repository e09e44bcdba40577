from conftest_api import anonymous_api, outsider_api, owner_api, readonly_api  # noqa: F401
