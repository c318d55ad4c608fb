#!/bin/sh
# Regenerates docs/errors.md from the status list in include/verify/status.h.
set -eu
{
echo "# libverify status codes"
echo
echo "Every failure of the library is one \`vfy_status\`. The hundreds give the layer:"
echo "0 usage and environment, 1 parsing, 2 MRZ, 3 readers, 4 chip and access control,"
echo "5 cryptography and document authenticity, 6 seals, 7 rule sets, 8 the audit trail. Numbers are stable"
echo "and never reused. \`vfy_status_name()\` gives the name, \`vfy_strerror()\` the sentence,"
echo "and a \`vfy_detail\` says where (field, byte offset or line and column) and why."
echo
echo "| code | name | meaning |"
echo "|---:|---|---|"
sed -n 's/^ *X(\(VFY_[A-Z0-9_]*\), *\([0-9]*\), *"\(.*\)") *\\\{0,1\}$/| \2 | `\1` | \3 |/p' include/verify/status.h
} > docs/errors.md
