#!/usr/bin/env bash
# Starts the demo backend and Tandem's proxy on examples/proxy/bootstrap.yaml, curls through the
# proxy, and stops both. Usage: bash examples/proxy/demo.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
node examples/proxy/backend.mjs & backend=$!
node packages/cli/bin/tandem.js proxy --config examples/proxy/bootstrap.yaml & proxy=$!
trap 'kill $proxy $backend 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS -o /dev/null http://127.0.0.1:9901/ready 2>/dev/null && break; sleep 0.1; done
set -x
curl -sS http://127.0.0.1:10000/healthz
curl -sS -i http://127.0.0.1:10000/old/page | head -5
curl -sS -i http://127.0.0.1:10000/api/users?id=7
curl -sS --http2-prior-knowledge http://127.0.0.1:10000/hello
curl -sS http://127.0.0.1:9901/stats | grep -E '^(cluster.backend.upstream_rq_total|http.ingress_http.downstream_rq_total)'
