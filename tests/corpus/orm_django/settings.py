INSTALLED_APPS = ["accounts", "market", "strategies", "notifications", "orders", "analytics"]
AUTH_USER_MODEL = "acct.User"
