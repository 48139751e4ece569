"""Runs the real onorder and onorder-mock-sp binaries on 127.0.0.1 for the end-to-end tests."""
import json
import os
import shutil
import subprocess
import tempfile
import unittest
import urllib.request
from pathlib import Path

ONORDER = os.environ.get("ONORDER", "onorder")
MOCK_SP = os.environ.get("ONORDER_MOCK_SP", "onorder-mock-sp")
SAMPLES = Path(os.environ.get("ONORDER_SAMPLES", Path(__file__).resolve().parents[2] / "samples"))

# Never leak the caller's settings into a test.
_CLEAN_ENV = {k: v for k, v in os.environ.items()
              if not k.startswith("ONORDER_") and k.lower() not in ("http_proxy", "https_proxy", "all_proxy")}
_CLEAN_ENV["NO_COLOR"] = "1"


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr

    @property
    def all(self):
        return self.out + self.err

    def json_lines(self):
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]

    def __repr__(self):
        return f"exit {self.code}\n--- stdout\n{self.out}\n--- stderr\n{self.err}"


def run(*args, stdin=None, env=None, timeout=60, cwd=None):
    full_env = dict(_CLEAN_ENV)
    full_env.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp(prefix="onorder-xdg-"))
    if env:
        full_env.update(env)
    proc = subprocess.run([ONORDER, *map(str, args)], input=stdin, capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=cwd, errors="replace")
    return Result(proc)


class MockSP:
    """onorder-mock-sp on an ephemeral loopback port."""

    def __init__(self, *args):
        self.args = [str(a) for a in args]
        self.proc = None
        self.url = None

    def __enter__(self):
        self.proc = subprocess.Popen([MOCK_SP, "--port", "0", *self.args], stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=_CLEAN_ENV)
        line = self.proc.stdout.readline()
        if not line.startswith("listening on "):
            self.proc.kill()
            raise RuntimeError(f"onorder-mock-sp did not start: {line!r}")
        self.url = line.split("listening on ", 1)[1].strip()
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()

    def received(self, context=None):
        """The mock's counters: total POSTs and counts per order fingerprint and access id."""
        request = urllib.request.Request(self.url.replace("https://", "http://") + "/_mock/received")
        if self.url.startswith("https://"):
            import ssl
            ctx = ssl.create_default_context(cafile=context) if context else ssl._create_unverified_context()
            return json.load(urllib.request.urlopen(self.url + "/_mock/received", context=ctx, timeout=10))
        return json.load(urllib.request.urlopen(request, timeout=10))


class Certificates:
    """A CA, a server certificate for 127.0.0.1 and a client certificate, made by openssl now."""

    def __init__(self, directory):
        self.dir = Path(directory)
        d = self.dir

        def openssl(*args):
            subprocess.run(["openssl", *args], check=True, capture_output=True, cwd=d)

        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=onorder test CA")
        for name, ext in (("server", "subjectAltName=IP:127.0.0.1,DNS:localhost"), ("client", None)):
            openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
                    "-subj", f"/CN={'127.0.0.1' if name == 'server' else 'onorder test client'}")
            extfile = d / f"{name}.ext"
            extfile.write_text((ext + "\n") if ext else "basicConstraints=CA:FALSE\n")
            openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                    "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile", str(extfile))
        self.ca = d / "ca.pem"
        self.server_cert, self.server_key = d / "server.pem", d / "server.key"
        self.client_cert, self.client_key = d / "client.pem", d / "client.key"


class TestCase(unittest.TestCase):
    maxDiff = None

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="onorder-e2e-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def write(self, name, content):
        path = self.tmp / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    def assertExit(self, result, code):
        self.assertEqual(result.code, code, repr(result))

    def assertNoSecrets(self, text, *secrets):
        import base64
        for secret in secrets:
            self.assertNotIn(secret, text)
        self.assertNotRegex(text, r"\b(?:19|20)\d{6}-\d{4}\b", "a full identity number leaked")


def on_a_terminal(args, env, respond=None):
    """Runs onorder on a new pty; `respond(fd, output, pid)`, when given, is called as output
    arrives until it returns True (it has acted). Returns (wait status, output, acted, echo on at
    the end)."""
    import pty
    import select
    import termios
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(ONORDER, [ONORDER, *map(str, args)], env)
    output = b""
    acted = False
    while select.select([fd], [], [], 20)[0]:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if respond and not acted:
            acted = respond(fd, output, pid)
    _, status = os.waitpid(pid, 0)
    echo = bool(termios.tcgetattr(fd)[3] & termios.ECHO)
    os.close(fd)
    return status, output, acted, echo


class TlsTestCase(TestCase):
    """A TestCase class with certificates made by openssl once for the class: `cls.certs`."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._certs_dir = tempfile.TemporaryDirectory(prefix="onorder-certs-")
        cls.certs = Certificates(cls._certs_dir.name)

    @classmethod
    def tearDownClass(cls):
        cls._certs_dir.cleanup()
        super().tearDownClass()

    def https_mock(self, *extra):
        """onorder-mock-sp serving HTTPS with the class's server certificate (not started)."""
        return MockSP("--cert", self.certs.server_cert, "--key", self.certs.server_key, *extra)


class MockTestCase(TestCase):
    """A TestCase class sharing one onorder-mock-sp with basic auth: MOCK_USER, MOCK_PASSWORD."""
    MOCK_USER = "acme"
    MOCK_PASSWORD = "mock-Pa55"

    @classmethod
    def setUpClass(cls):
        cls.mock = MockSP("--user", cls.MOCK_USER, "--password", cls.MOCK_PASSWORD).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.mock.__exit__(None, None, None)


def load_sample(name):
    return json.loads((SAMPLES / name).read_text())


def order_with(offering="plain-offering", access_id="A-1", **customer):
    """The complete sample order, sent to the mock scenario named by `offering`."""
    order = load_sample("order.json")
    order["products"][0]["offeringId"] = offering
    order["coAccessId"] = access_id
    order["customerDetails"].update(customer)
    return order


def free_port():
    """A loopback port nothing listens on (connection refused)."""
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None)


def _ports_below_the_ephemeral_range():
    """Endless random loopback ports under the kernel's ephemeral range, so that they rarely meet
    the ports `--port 0` servers and outgoing connections are given."""
    import random
    try:
        low = int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        low = 32768
    rng = random.SystemRandom()
    while True:
        yield rng.randint(10000, max(10001, low - 1))


class Nginx:
    """nginx in front of an onorder-mock-sp: HTTPS with HTTP/2 (ALPN h2, and HTTP/1.1) on a loopback
    port, proxying every request over HTTP/1.1 keep-alive to `upstream_url` (http:// or https://,
    the upstream's certificate is not checked). Authorization and the body pass through unchanged.

        with MockSP("--user", "u", "--password", "p") as mock, Nginx(mock.url, certs) as proxy:
            proxy.url        # https://127.0.0.1:PORT — the certificate is certs.server_cert
            proxy.order_url  # proxy.url + "/2.5/sp_spec/order/"

    `certs` has server_cert and server_key (a Certificates). `keepalive_requests=N`: nginx closes a
    connection after N requests — on HTTP/2 with a GOAWAY. `max_concurrent_streams=N`: nginx's
    SETTINGS_MAX_CONCURRENT_STREAMS. `extra_server` is pasted into the server block.

    The port: nginx cannot listen on port 0 and tell which port it got. So it is given a random port
    under the ephemeral range (`ports`, an iterator, replaces that choice); when another process
    holds it, nginx logs "Address already in use" and would retry it for 2.5 s, so the harness
    stops it at once and starts it again on another port (`attempts` says how many it took).
    nginx writes its pid file only after every listening socket is bound, so the pid file is the
    signal that it listens — on its own port: it binds without SO_REUSEPORT, so no other process
    shares it. Runs in the foreground as one process (daemon off, master_process off), as any
    user, with its conf, pid, logs and temp dirs in its own temporary directory; its error log is
    `error_log` (read it when a test fails)."""

    def __init__(self, upstream_url, certs, keepalive_requests=None, max_concurrent_streams=None,
                 extra_server="", ports=None, attempts=50):
        if NGINX is None:
            raise unittest.SkipTest("nginx is not installed (scripts/install-deps.sh installs it)")
        from urllib.parse import urlsplit
        upstream = urlsplit(upstream_url)
        self.upstream_scheme = upstream.scheme
        self.upstream_address = upstream.netloc
        self.certs = certs
        self.keepalive_requests = keepalive_requests
        self.max_concurrent_streams = max_concurrent_streams
        self.extra_server = extra_server
        self.ports = ports if ports is not None else _ports_below_the_ephemeral_range()
        self.max_attempts = attempts
        self.attempts = 0
        self.dir = None
        self.proc = None
        self.port = None
        self.url = None
        self.order_url = None

    @property
    def error_log(self):
        return self.dir / "error.log"

    def _config(self, port):
        d = self.dir
        limits = ""
        if self.keepalive_requests is not None:
            limits += f"    keepalive_requests {int(self.keepalive_requests)};\n"
        if self.max_concurrent_streams is not None:
            limits += f"    http2_max_concurrent_streams {int(self.max_concurrent_streams)};\n"
        return f"""daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log notice;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {d}/client_body;
  proxy_temp_path {d}/proxy;
  fastcgi_temp_path {d}/fastcgi;
  uwsgi_temp_path {d}/uwsgi;
  scgi_temp_path {d}/scgi;
  upstream mock_sp {{
    server {self.upstream_address};
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{port} ssl http2;
    ssl_certificate {self.certs.server_cert};
    ssl_certificate_key {self.certs.server_key};
    ssl_protocols TLSv1.2 TLSv1.3;
{limits}    location / {{
      proxy_pass {self.upstream_scheme}://mock_sp;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_ssl_session_reuse on;
    }}
{self.extra_server}
  }}
}}
"""

    def _start_on(self, port):
        """True once nginx listens on `port`; False when the port is taken (nginx is stopped)."""
        import time
        pid_file = self.dir / "nginx.pid"
        for stale in (pid_file, self.error_log):
            stale.unlink(missing_ok=True)
        conf = self.dir / "nginx.conf"
        conf.write_text(self._config(port))
        self.proc = subprocess.Popen([NGINX, "-p", str(self.dir), "-c", str(conf), "-e", str(self.error_log)],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL, env=_CLEAN_ENV)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            log = self.error_log.read_text(errors="replace") if self.error_log.exists() else ""
            if "Address already in use" in log:
                self._stop()
                return False
            if pid_file.exists() and pid_file.read_text().strip() == str(self.proc.pid):
                return True
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited {self.proc.returncode}:\n{log}")
            time.sleep(0.01)  # polling for the pid file, not waiting out a guess
        self._stop()
        raise RuntimeError(f"nginx did not start within 30 s:\n{log}")

    def __enter__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="onorder-nginx-"))
        try:
            for port in self.ports:
                self.attempts += 1
                if self._start_on(port):
                    self.port = port
                    self.url = f"https://127.0.0.1:{port}"
                    self.order_url = self.url + "/2.5/sp_spec/order/"
                    return self
                if self.attempts >= self.max_attempts:
                    break
            raise RuntimeError(f"nginx found no free port in {self.attempts} attempts")
        except BaseException:
            shutil.rmtree(self.dir, ignore_errors=True)
            raise

    def _stop(self):
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # SIGTERM: nginx's fast shutdown
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    def __exit__(self, *exc):
        self._stop()
        shutil.rmtree(self.dir, ignore_errors=True)
