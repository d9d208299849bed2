"""Runs one PyBee for wurkerd: imports the module named on the command line and calls its
run(**kwargs) with the keyword arguments wurkerd passes as JSON in WURKER_ARGS.

The home's injected code is importable the way Wurker 0.1 made it importable: the package
`wurker` maps onto the home's opt/ directory, so `wurker.bees.NAME`, `wurker.lib.NAME`,
`wurker.settings.bees.NAME` and `wurker.models.NAME` resolve to files under opt/; opt/bees and
opt/lib are also on sys.path for plain imports.

Exit status: 0 when run() returns, the code given to sys.exit(), 1 when run() raises (the
traceback goes to stderr), 2 when the module or its run() cannot be found.
"""

import importlib
import json
import os
import sys
import traceback
import types


def install_wurker_package(opt):
    package = types.ModuleType("wurker")
    package.__path__ = [opt]
    package.__package__ = "wurker"
    sys.modules.setdefault("wurker", package)
    for sub in ("bees", "lib"):
        path = os.path.join(opt, sub)
        if os.path.isdir(path) and path not in sys.path:
            sys.path.insert(0, path)
    if opt not in sys.path:
        sys.path.insert(0, opt)


def find_module(name):
    for candidate in ("wurker.bees." + name, name):
        try:
            return importlib.import_module(candidate)
        except ModuleNotFoundError as err:
            if err.name is None or not candidate.startswith(err.name):
                raise
    return None


def main():
    if len(sys.argv) != 2:
        sys.stderr.write("usage: wurker_pybee.py MODULE\n")
        return 2
    name = sys.argv[1]
    install_wurker_package(os.environ.get("WURKER_OPT", os.path.join(os.getcwd(), "opt")))
    try:
        kwargs = json.loads(os.environ.get("WURKER_ARGS") or "{}")
    except ValueError as err:
        sys.stderr.write("Wurker PyBee args are not JSON: %s\n" % err)
        return 2
    if not isinstance(kwargs, dict):
        sys.stderr.write("Wurker PyBee 'args' must be an object, not %s\n" % type(kwargs).__name__)
        return 2
    module = find_module(name)
    if module is None:
        sys.stderr.write("Wurker PyBee not found: '%s'\n" % name)
        return 2
    run = getattr(module, "run", None)
    if not callable(run):
        sys.stderr.write("Wurker PyBee missing 'run' function: '%s'\n" % module.__name__)
        return 2
    try:
        run(**kwargs)
    except SystemExit:
        raise
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
