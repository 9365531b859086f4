"""One module per subcommand: its arguments, its run, its output. ``cli`` only dispatches."""
