"""Moving into a package: for one commit, the former module's names as they were (split in the next)."""

from . import feasibility as _module

globals().update({name: value for name, value in vars(_module).items() if not name.startswith("__")})
