#!/usr/bin/env python3
"""The project's Tripletex spec subset: ../shared/tripletex/trim_openapi.py's paths (with --extra)
plus the few this project added (PROJECT_PATHS), trimmed from the full production spec with the
same script, so every path and schema is exactly upstream's.

Usage: python3 libs/tripletex/scripts/trim-subset.py SHARED_TRIPLETEX_DIR OUT
"""
import json
import os
import sys

# Paths the project uses beyond the shared subset, each with why.
PROJECT_PATHS = [
    "/ledger/accountingPeriod",  # is the business day's period closed? (corrections, issue 15)
    "/ledger/accountingPeriod/{id}",
    "/employee/entitlement",  # the token's effective rights (owner ∩ proxy's actual employee, issue 16)
]


def main():
    shared, out = sys.argv[1], sys.argv[2]
    sys.path.insert(0, shared)
    import trim_openapi  # noqa: E402 (the shared script, imported from its folder)

    with open(os.path.join(shared, "openapi.full.json"), encoding="utf-8") as f:
        spec = json.load(f)
    wanted = trim_openapi.WANTED_PATHS + trim_openapi.EXTRA_PATHS + PROJECT_PATHS
    trimmed, _found, missing, _aliases = trim_openapi.trim(spec, wanted)
    if missing:
        sys.exit(f"not in the spec: {missing}")
    trim_openapi.fix_defaults(trimmed, [])
    with open(out, "w", encoding="utf-8") as f:
        json.dump(trimmed, f, indent=2, ensure_ascii=False)
        f.write("\n")
    bad = trim_openapi.check_refs(trimmed)
    if bad:
        sys.exit(f"unresolved $refs: {bad}")


if __name__ == "__main__":
    main()
