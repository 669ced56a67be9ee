"""Benchmark the public pages: gunicorn on PostgreSQL at state scale beside nginx serving the same HTML.

`python bench/pages.py [--quick]` loads `interlocal synth` data into a dedicated PostgreSQL database (created if
missing, loaded once), starts gunicorn and Debian's nginx on 127.0.0.1, drives both with wrk and prints requests
per second and p99 latency per page, anonymous and signed in as a coordinator. Install gunicorn with
`pip install -e '.[prod]'`.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PG = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
GOAL_RPS, GOAL_P99_MS = 500.0, 50.0
GOAL_PAGES = {"home", "initiative list", "initiative page", "legislation page"}
PASSWORD = "bench-password-8"
NGINX_CONF = """
worker_processes {workers};
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  default_type text/html;
  client_body_temp_path {prefix}/tmp; proxy_temp_path {prefix}/tmp; fastcgi_temp_path {prefix}/tmp;
  uwsgi_temp_path {prefix}/tmp; scgi_temp_path {prefix}/tmp;
  server {{
    listen 127.0.0.1:{port};
    root {prefix}/html;
  }}
}}
"""

# Run inside the app's environment (python bench/pages.py --setup-child): pick the pages and sign a coordinator in.
CHILD = """
import json, django
django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count
from interlocal.agreements.models import LegislativeMatter
from interlocal.governments.models import Person
from interlocal.initiatives.models import Initiative
coordinator = Person.objects.get(username="coordinator-1")
initiative = (Initiative.objects.filter(is_published=True, collaborative__is_published=True,
              collaborative__facilitator_id=coordinator.government_id).order_by("plan_position")[10])
matter = (LegislativeMatter.objects.filter(is_published=True, passed_date__isnull=False)
          .annotate(n=Count("actions")).filter(n__gte=3).order_by("pk")[500])
session = SessionStore()
session[SESSION_KEY] = str(coordinator.pk)
session[BACKEND_SESSION_KEY] = "interlocal.access.PasswordBackend"
session[HASH_SESSION_KEY] = coordinator.get_session_auth_hash()
session.create()
print(json.dumps({
    "pages": {"home": "/", "initiative list": "/initiatives/", "initiative page": f"/initiatives/{initiative.pk}/",
              "legislation page": f"/legislation/{matter.pk}/", "API list": "/api/v1/initiatives"},
    "session": session.session_key,
    "counts": {"initiatives": Initiative.objects.count(), "matters": LegislativeMatter.objects.count()},
}))
"""


def run(cmd: list[str], env: dict[str, str], **kw: object) -> subprocess.CompletedProcess[str]:
    """Run a command, failing loudly with its output."""
    done = subprocess.run(cmd, env=env, text=True, capture_output=True, cwd=ROOT, **kw)  # type: ignore[call-overload]
    if done.returncode:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}")
    return done


def ensure_database(name: str, env: dict[str, str], args: argparse.Namespace) -> None:
    """Create the bench database if missing, migrate it and load synthetic data once."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    run([str(BIN / "interlocal"), "migrate", "--noinput", "-v0"], env)
    with psycopg.connect(f"{PG}/{name}", autocommit=True) as conn:
        loaded = conn.execute("SELECT count(*) FROM initiatives_initiative").fetchone()[0]
        if not loaded:
            print(
                f"loading synthetic data ({args.governments} governments, {args.initiatives} initiatives, "
                f"{args.matters} matters)...",
                flush=True,
            )
            started = time.perf_counter()
            run(
                [
                    str(BIN / "interlocal"),
                    "synth",
                    "--governments",
                    str(args.governments),
                    "--initiatives",
                    str(args.initiatives),
                    "--matters",
                    str(args.matters),
                    "--password",
                    PASSWORD,
                ],
                env,
            )
            print(f"  loaded in {time.perf_counter() - started:.0f} s", flush=True)
            conn.execute("VACUUM ANALYZE")


def wait_for(url: str, seconds: float = 30) -> None:
    """Wait until url answers."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    sys.exit(f"{url} did not answer within {seconds:.0f} s")


def fetch(url: str, cookie: str = "") -> bytes:
    """GET a page, optionally with a session cookie."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def wrk(url: str, args: argparse.Namespace, cookie: str = "") -> tuple[float, float, str]:
    """Requests per second, p99 in ms and any errors wrk reports for one URL."""
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s", "--latency", url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, text=True, capture_output=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    value, unit = re.search(r"\s99%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = []
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors.append(f"{m.group(1)} non-2xx")
    if m := re.search(r"Socket errors: (.*)", out):
        errors.append(m.group(1).strip())
    return rps, p99, "; ".join(errors)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3-second runs and no signed-in pass")
    parser.add_argument(
        "--database", default="interlocal_bench", help="PostgreSQL database (created if missing)"
    )
    parser.add_argument("--governments", type=int, default=1000)
    parser.add_argument("--initiatives", type=int, default=10000)
    parser.add_argument("--matters", type=int, default=100000)
    parser.add_argument("--port", type=int, default=8108, help="gunicorn's port")
    parser.add_argument("--nginx-port", type=int, default=8109)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--worker-class",
        default="gthread",
        choices=["sync", "gthread"],
        help="gthread (default) keeps connections alive; sync closes each one",
    )
    parser.add_argument("--worker-threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument(
        "--warmup", type=int, default=2, help="seconds of load on our server before each page"
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and server")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--no-cache", action="store_true", help="turn the anonymous page cache off")
    args = parser.parse_args()
    if args.quick:
        args.duration, args.warmup = 3, 1
    # A missing tool skips this benchmark (as `make bench` runs every script) and says what to install.
    for tool, hint in (("wrk", "apt-get install wrk"), ("/usr/sbin/nginx", "apt-get install nginx-light")):
        if not shutil.which(tool):
            print(f"bench/pages.py skipped: {tool} is missing ({hint})")
            return
    if not (BIN / "gunicorn").exists():
        print("bench/pages.py skipped: gunicorn is missing (pip install -e '.[prod]')")
        return
    try:
        import psycopg

        psycopg.connect(f"{PG}/postgres", connect_timeout=3).close()
    except psycopg.OperationalError as exc:
        print(f"bench/pages.py skipped: PostgreSQL at {PG} does not answer ({exc})")
        return
    scratch = Path(tempfile.mkdtemp(prefix="interlocal-bench-pages-"))
    # Started as root, nginx's workers drop to an unprivileged user that must still read the saved pages.
    scratch.chmod(0o755)
    env = {
        **os.environ,
        "DATABASE_URL": f"{PG}/{args.database}",
        "DJANGO_SETTINGS_MODULE": "interlocal.settings",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECRET_KEY": "bench-only-not-secret-" + "x" * 40,
        "PAGE_CACHE_SECONDS": "0" if args.no_cache else os.environ.get("PAGE_CACHE_SECONDS", "600"),
        "LOG_LEVEL": "ERROR",
    }
    processes: list[subprocess.Popen[bytes]] = []

    def stop(*_: object) -> None:
        for p in processes:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in processes:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        shutil.rmtree(scratch, ignore_errors=True)

    # Interrupted or terminated (even when started in the background, where SIGINT is ignored): clean up.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    try:
        ensure_database(args.database, env, args)
        setup = json.loads(run([sys.executable, "-c", CHILD], env).stdout.strip().splitlines()[-1])
        pages: dict[str, str] = setup["pages"]
        cookie = f"sessionid={setup['session']}"
        gunicorn = [
            str(BIN / "gunicorn"),
            "interlocal.wsgi:application",
            "--workers",
            str(args.workers),
            "--worker-class",
            args.worker_class,
            "--bind",
            f"127.0.0.1:{args.port}",
            "--log-level",
            "warning",
        ]
        if args.worker_class == "gthread":
            gunicorn += ["--threads", str(args.worker_threads)]
        processes.append(subprocess.Popen(gunicorn, env=env, cwd=ROOT, start_new_session=True))
        ours = f"http://127.0.0.1:{args.port}"
        wait_for(ours + "/")
        (scratch / "html").mkdir()
        (scratch / "tmp").mkdir()
        files: dict[tuple[str, str], str] = {}
        roles = [("anonymous", "")] + ([] if args.quick else [("coordinator", cookie)])
        for role, with_cookie in roles:
            for name, path in pages.items():
                body = fetch(ours + path, with_cookie)
                if role == "coordinator" and b"Sign out" not in body and name != "API list":
                    sys.exit(f"the coordinator's session was not accepted on {path}")
                file = f"{role}-{re.sub(r'[^a-z]+', '-', name)}.html"
                (scratch / "html" / file).write_bytes(body)
                files[(role, name)] = file
        conf = scratch / "nginx.conf"
        conf.write_text(NGINX_CONF.format(workers=args.workers, prefix=scratch, port=args.nginx_port))
        processes.append(
            subprocess.Popen(
                [
                    "/usr/sbin/nginx",
                    "-p",
                    str(scratch),
                    "-c",
                    str(conf),
                    "-e",
                    str(scratch / "error.log"),
                    "-g",
                    "daemon off;",
                ],
                start_new_session=True,
            )
        )
        nginx = f"http://127.0.0.1:{args.nginx_port}"
        wait_for(f"{nginx}/{files[('anonymous', 'home')]}")

        print(
            f"\n{setup['counts']['initiatives']:,} initiatives, {setup['counts']['matters']:,} matters; gunicorn "
            f"{args.workers} {args.worker_class} workers"
            + (f" x {args.worker_threads} threads" if args.worker_class == "gthread" else "")
            + f" vs nginx {args.workers} workers; wrk {args.threads} "
            f"threads, {args.connections} connections, {args.duration} s per run; page cache "
            f"{'off' if args.no_cache else 'on'}"
        )
        print(
            f"load before: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)"
        )
        header = (
            f"{'page':<18}{'as':<12}{'ours req/s':>11}{'nginx req/s':>12}{'ratio':>8}{'ours p99':>10}"
            f"{'nginx p99':>11}  goal                       met  errors"
        )
        print(header)
        print("-" * len(header))
        for role, with_cookie in roles:
            for name, path in pages.items():
                # Every worker (and thread) renders the page once and fills its cache before the measured run.
                wrk(ours + path, argparse.Namespace(**{**vars(args), "duration": args.warmup}), with_cookie)
                rps, p99, errors = wrk(ours + path, args, with_cookie)
                n_rps, n_p99, n_errors = wrk(f"{nginx}/{files[(role, name)]}", args)
                goal = name in GOAL_PAGES
                met = ("yes" if rps >= GOAL_RPS and p99 <= GOAL_P99_MS else "NO") if goal else "-"
                target = (
                    f">= {GOAL_RPS:.0f} req/s, p99 <= {GOAL_P99_MS:.0f} ms" if goal else "(measured only)"
                )
                print(
                    f"{name:<18}{role:<12}{rps:>11.0f}{n_rps:>12.0f}{rps / n_rps:>8.3f}{p99:>8.1f}ms"
                    f"{n_p99:>9.1f}ms  {target:<27}{met:<5}{errors or n_errors}",
                    flush=True,
                )
        print(
            f"load after: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f} (1/5/15 min)"
        )
    finally:
        stop()


if __name__ == "__main__":
    main()
