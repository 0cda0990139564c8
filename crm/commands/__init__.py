"""The `crm` commands, a module per group: each has `register(commands)`, which adds its
subcommands (arguments, help, handler) to the parser, and the handlers themselves."""
