"""The README's examples are real: every ```console block is run against onorder-mock-sp and its
output compared with what the README shows.

In the README, `https://sp.example/onapi` stands for the mock's URL, the password is in
ONORDER_PASSWORD, and the commands run in a fresh directory holding a copy of samples/. A command
with `--cacert ca.pem` goes to a second mock that serves HTTPS with a certificate made by openssl
now (ca.pem is copied into the directory), so `onorder check` shows a real TLS connection. Timings
("84 ms") and UTC times are compared by shape. `python3 test_readme.py --update` writes the real
output into the README (then review the diff)."""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

from harness import MOCK_SP, ONORDER, SAMPLES, Certificates, MockSP, _CLEAN_ENV, MockTestCase

README = Path(__file__).resolve().parents[2] / "README.md"
SP_URL = "https://sp.example/onapi"
USER, PASSWORD = "acme", "readme-Pa55"
BLOCK = re.compile(r"^```console\n(.*?)^```$", re.S | re.M)
MARK = "@@readme-command@@"
TLS_FLAG = "--cacert ca.pem"


def commands_and_outputs(block):
    """[(command, [expected lines])] from the $-prompted lines of one console block."""
    pairs, lines = [], block.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("$ "):
            raise ValueError(f"console block line without a command before it: {lines[i]!r}")
        command = lines[i][2:]
        while command.endswith("\\"):
            i += 1
            command += "\n" + lines[i]
        i += 1
        expected = []
        while i < len(lines) and not lines[i].startswith("$ "):
            expected.append(lines[i])
            i += 1
        pairs.append((command, expected))
    return pairs


def normalise(text):
    text = re.sub(r"\b\d+ ms\b", "# ms", text)
    text = re.sub(r"\b\d+\.\d\d s \(\d+ orders/s\)", "#.## s (# orders/s)", text)
    return re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z", "YYYY-MM-DDTHH:MM:SSZ", text)


def run_block(block, mock_url, workdir, tls_url):
    """Runs the block's commands in one shell, in order; returns each command's output lines."""
    pairs = commands_and_outputs(block)
    script = "\n".join(
        f"echo {MARK}\n{{ {command.replace(SP_URL, tls_url if TLS_FLAG in command else mock_url)}\n}} 2>&1"
        for command, _ in pairs)
    bin_dirs = {str(Path(ONORDER).resolve().parent), str(Path(MOCK_SP).resolve().parent)}
    env = dict(_CLEAN_ENV, ONORDER_PASSWORD=PASSWORD, HOME=str(workdir),
               XDG_CONFIG_HOME=str(workdir / ".config"),
               PATH=os.pathsep.join([*bin_dirs, os.environ.get("PATH", "")]))
    proc = subprocess.run(["bash", "-c", script], cwd=workdir, env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    merged = proc.stdout.replace(tls_url, SP_URL).replace(mock_url, SP_URL)
    outputs = [chunk.split("\n") for chunk in merged.split(MARK + "\n")[1:]]
    outputs = [lines[:-1] if lines and lines[-1] == "" else lines for lines in outputs]
    return pairs, outputs, proc.stderr


class Readme(MockTestCase):
    maxDiff = None

    MOCK_USER = USER
    MOCK_PASSWORD = PASSWORD

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.certs_dir = tempfile.TemporaryDirectory(prefix="onorder-readme-tls-")
        cls.certs = Certificates(cls.certs_dir.name)
        cls.tls_mock = tls_mock(cls.certs).__enter__()

    @classmethod
    def tearDownClass(cls):
        cls.tls_mock.__exit__(None, None, None)
        cls.certs_dir.cleanup()
        super().tearDownClass()

    def setUp(self):
        self.workdir = Path(tempfile.mkdtemp(prefix="onorder-readme-"))
        self.addCleanup(shutil.rmtree, self.workdir, ignore_errors=True)
        shutil.copytree(SAMPLES, self.workdir / "samples")
        shutil.copy(self.certs.ca, self.workdir / "ca.pem")

    def test_every_console_block_shows_real_output(self):
        blocks = BLOCK.findall(README.read_text())
        self.assertGreater(len(blocks), 0, "the README has no console examples")
        for number, block in enumerate(blocks, 1):
            pairs, outputs, stderr = run_block(block, self.mock.url, self.workdir, self.tls_mock.url)
            self.assertEqual(len(outputs), len(pairs), f"block {number} stopped early:\n{stderr}")
            for (command, expected), actual in zip(pairs, outputs):
                with self.subTest(block=number, command=command.splitlines()[0]):
                    self.assertEqual(normalise("\n".join(expected)), normalise("\n".join(actual)))


def tls_mock(certs):
    return MockSP("--user", USER, "--password", PASSWORD, "--cert", certs.server_cert,
                  "--key", certs.server_key)


def update():
    """Rewrites every console block of the README with the output of a real run."""
    text = README.read_text()
    with tempfile.TemporaryDirectory(prefix="onorder-readme-tls-") as certs_dir, \
            MockSP("--user", USER, "--password", PASSWORD) as mock, \
            tls_mock(Certificates(certs_dir)) as https_mock:
        certs = Path(certs_dir)

        def replace(match):
            workdir = Path(tempfile.mkdtemp(prefix="onorder-readme-"))
            try:
                shutil.copytree(SAMPLES, workdir / "samples")
                shutil.copy(certs / "ca.pem", workdir / "ca.pem")
                pairs, outputs, _ = run_block(match.group(1), mock.url, workdir, https_mock.url)
            finally:
                shutil.rmtree(workdir, ignore_errors=True)
            lines = []
            for (command, _), actual in zip(pairs, outputs):
                lines.append("$ " + command)
                lines.extend(actual)
            return "```console\n" + "\n".join(lines) + "\n```"
        README.write_text(BLOCK.sub(replace, text))


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        update()
    else:
        unittest.main()
