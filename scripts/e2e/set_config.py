#!/usr/bin/env python3
"""Sets keys in a syspro-bq.toml written by `syspro-bq init`, keeping its comments.

    python3 scripts/e2e/set_config.py FILE 'section.key=VALUE' ...

VALUE is written as given (a TOML value: "text", 12, true, ["A", "B"]). A key that the template
shows commented out (`# key = ...`) is uncommented in place; a key that is missing is added at the
end of its section; a missing section (e.g. tables.ApInvoice) is appended to the file.
"""
import re
import sys


def set_key(lines, section, key, value):
    header = f"[{section}]"
    start = next((i for i, l in enumerate(lines) if l.strip() == header), None)
    if start is None:
        if lines and lines[-1].strip():
            lines.append("")
        lines.extend([header, f"{key} = {value}"])
        return
    end = next((i for i in range(start + 1, len(lines)) if re.match(r"^\s*\[", lines[i])), len(lines))
    pattern = re.compile(rf"^\s*(#\s*)?{re.escape(key)}\s*=")
    for i in range(start + 1, end):
        if pattern.match(lines[i]):
            lines[i] = f"{key} = {value}"
            return
    insert = end
    while insert > start + 1 and not lines[insert - 1].strip():
        insert -= 1
    lines.insert(insert, f"{key} = {value}")


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    path = argv[0]
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for assignment in argv[1:]:
        name, sep, value = assignment.partition("=")
        section, dot, key = name.rpartition(".")
        if not sep or not dot:
            sys.exit(f"set_config: expected section.key=VALUE, got {assignment!r}")
        set_key(lines, section, key, value)
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
