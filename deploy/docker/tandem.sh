#!/bin/sh
# The `tandem` command in Tandem's images: the bundled CLI on plain node (no TypeScript loader).
exec node "${TANDEM_HOME:-/opt/tandem}/dist/tandem.mjs" "$@"
