#!/bin/sh
# make demo: the main job on built-in data.
set -eu
vfy=$1
echo "== libverify demo: $($vfy version)"
