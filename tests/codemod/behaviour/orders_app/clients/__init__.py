"""HTTP clients of the services the orders service depends on."""
