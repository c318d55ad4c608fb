#!/usr/bin/env python3
"""Validates JSON documents against a JSON Schema (draft 2020-12).

usage: validate_json.py SCHEMA [--lines] < DOCUMENT
Exit 0 when every document validates, 1 (with the first error) when one does not,
2 when the input is not JSON. With --lines, each non-empty line is one document.
"""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    lines = "--lines" in sys.argv[2:]
    text = sys.stdin.read()
    try:
        docs = [json.loads(l) for l in text.splitlines() if l.strip()] if lines else [json.loads(text)]
    except ValueError as e:
        print("not JSON: %s" % e, file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(schema)
    for i, doc in enumerate(docs):
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        if errors:
            e = errors[0]
            print("document %d: %s at /%s" % (i + 1, e.message, "/".join(map(str, e.path))),
                  file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
