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
