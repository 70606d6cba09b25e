#!/usr/bin/env bash
# The upload and report tests again, with every file in an S3 bucket instead
# of MEDIA_ROOT: moto's standalone S3 server on a free loopback port, the
# STORAGE_* variables pointing at it (the settings read them as a deployment
# would; real workers started by the tests inherit them). CI runs this after
# the whole suite; extra pytest arguments are passed on.
set -euo pipefail
cd "$(dirname "$0")/.."

port=$(.venv/bin/python -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log=$(mktemp -t jianfu-moto.XXXXXX)
.venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto=$!
trap 'kill "$moto" 2>/dev/null || true; wait "$moto" 2>/dev/null || true; rm -f "$log"' EXIT

export STORAGE_BUCKET=jianfu-ci
export STORAGE_ENDPOINT_URL="http://127.0.0.1:$port"
export STORAGE_ACCESS_KEY=jianfu-test STORAGE_SECRET_KEY=jianfu-test-secret
export DJANGO_SETTINGS_MODULE=jianfu.settings.test
.venv/bin/python - "$port" <<'PY'
import socket, sys, time
deadline = time.monotonic() + 30
while True:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()
        break
    except OSError:
        if time.monotonic() > deadline:
            sys.exit("moto_server did not start")
        time.sleep(0.2)
PY
.venv/bin/python manage.py storage_check --create-bucket

# The tests that store or serve files: report jobs (in-process and on a real
# worker), pledge scans, complaint attachments, visit photos, rectification
# and self-check evidence, every file-serving view. Two tests of
# test_file_responses look for uploads on the local disk (that no static
# route reaches them): with a bucket there are none there to look at.
selected="(test_jobs or test_worker or test_pledges or saves_checked or intake or test_file_responses"
selected+=" or photo or evidence or scan) and not reachable_under_static and not served_with_debug_on"
.venv/bin/pytest -q -p no:cacheprovider \
  tests/reports/test_jobs.py tests/reports/test_worker.py \
  tests/schools/test_pledges.py tests/schools/test_pledge_pages.py tests/schools/test_selfcheck_pages.py \
  tests/supervision/test_complaint_uploads.py tests/supervision/test_rectification_states.py \
  tests/supervision/test_visit_submit.py tests/security/test_file_responses.py \
  -k "$selected" "$@"
