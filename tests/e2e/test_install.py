"""Installing onorder: `cmake --install` of this build puts every file in its place and the installed
programs run; the bash completion completes and the zsh one too; both cover every subcommand and
option `--help` shows; the man pages pass groff's warnings; and `cpack -G DEB` makes a package with
the Depends dpkg-shlibdeps finds, stripped binaries owned by root, and no lintian error.

The build is the one holding $ONORDER. A sanitizer build skips the package: what ships is the
release build, not a sanitized one."""
import os
import re
import shlex
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from harness import ONORDER, SAMPLES, _CLEAN_ENV, TestCase, run

SOURCE = Path(__file__).resolve().parents[2]
BUILD = Path(ONORDER).resolve().parent
PAGES = ("onorder.1", "onorder-mock-sp.1")
# What `cmake --install --prefix /usr` installs, relative to the prefix.
INSTALLED = {
    "bin/onorder": 0o755,
    "bin/onorder-mock-sp": 0o755,
    "share/man/man1/onorder.1.gz": 0o644,
    "share/man/man1/onorder-mock-sp.1.gz": 0o644,
    "share/bash-completion/completions/onorder": 0o644,
    "share/zsh/vendor-completions/_onorder": 0o644,
    "share/doc/onorder/copyright": 0o644,
    "share/doc/onorder/changelog.Debian.gz": 0o644,
}


def cache_value(name):
    """A variable of the build's CMakeCache.txt, or None."""
    for line in (BUILD / "CMakeCache.txt").read_text().splitlines():
        if line.startswith(name + ":"):
            return line.split("=", 1)[1]
    return None


def sh(*args, env=None, cwd=None, timeout=120):
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=timeout, errors="replace")


def help_of(*command):
    """(options, subcommands) listed by `onorder COMMAND --help`, option groups included."""
    result = run(*command, "--help")
    assert result.code == 0, repr(result)
    options, subcommands, in_subcommands = set(), [], False
    for line in result.out.splitlines():
        if not line.startswith(" "):
            in_subcommands = line == "Subcommands:"
            continue
        if in_subcommands:
            subcommands.append(line.split()[0])
        elif match := re.match(r"\s+(-[\w-]+(?:,-[\w-]+)*)", line):
            options.update(match.group(1).split(","))
    return options, subcommands


def top_level_commands():
    return help_of()[1]


@unittest.skipUnless((BUILD / "CMakeCache.txt").exists(), f"{ONORDER} is not in a CMake build")
class Install(TestCase):
    """`DESTDIR=… cmake --install BUILD --prefix /usr`, once for the class."""

    @classmethod
    def setUpClass(cls):
        cls.root = Path(tempfile.mkdtemp(prefix="onorder-install-"))
        proc = sh("cmake", "--install", BUILD, "--prefix", "/usr",
                  env=dict(os.environ, DESTDIR=str(cls.root)))
        if proc.returncode != 0:
            shutil.rmtree(cls.root, ignore_errors=True)
            raise AssertionError(f"cmake --install failed:\n{proc.stdout}{proc.stderr}")
        cls.usr = cls.root / "usr"
        cls.bash_file = cls.usr / "share/bash-completion/completions/onorder"
        cls.zsh_dir = cls.usr / "share/zsh/vendor-completions"

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.root, ignore_errors=True)

    # ---- the files ---------------------------------------------------------------------------

    def test_every_file_is_in_place_with_its_mode(self):
        installed = {str(p.relative_to(self.usr)) for p in self.usr.rglob("*") if p.is_file()}
        self.assertEqual(installed, set(INSTALLED))
        for path, mode in INSTALLED.items():
            with self.subTest(path=path):
                self.assertEqual((self.usr / path).stat().st_mode & 0o7777, mode)
        for directory in (p for p in self.usr.rglob("*") if p.is_dir()):
            self.assertEqual(directory.stat().st_mode & 0o7777, 0o755, directory)

    def test_man_pages_are_the_sources_compressed_without_a_time_stamp(self):
        import gzip
        for page in PAGES:
            with self.subTest(page=page):
                compressed = (self.usr / "share/man/man1" / (page + ".gz")).read_bytes()
                self.assertEqual(gzip.decompress(compressed), (SOURCE / "man" / page).read_bytes())
                self.assertEqual(compressed[4:8], b"\0\0\0\0", "gzip -n: no time stamp")
        if shutil.which("man"):
            found = sh("man", "-M", self.usr / "share/man", "-w", "onorder")
            self.assertEqual(found.stdout.strip(), str(self.usr / "share/man/man1/onorder.1.gz"))

    def test_the_installed_completions_are_what_onorder_prints_now(self):
        for shell, path in (("bash", self.bash_file), ("zsh", self.zsh_dir / "_onorder")):
            with self.subTest(shell=shell):
                self.assertEqual(path.read_text(), run("completion", shell).out)

    def test_the_installed_programs_run_and_place_an_order(self):
        onorder, mock = self.usr / "bin/onorder", self.usr / "bin/onorder-mock-sp"
        env = dict(_CLEAN_ENV, ONORDER_PASSWORD="install-Pa55",
                   XDG_CONFIG_HOME=str(self.tmp / "config"))
        for program in (onorder, mock):
            result = sh(program, "--help", env=env)
            self.assertEqual(result.returncode, 0, result.stderr)
            self.assertIn("Usage:", result.stdout)
        server = subprocess.Popen([mock, "--port", "0", "--user", "acme", "--password",
                                   "install-Pa55"], stdout=subprocess.PIPE,
                                  stderr=subprocess.DEVNULL, text=True, env=_CLEAN_ENV)
        try:
            line = server.stdout.readline()
            self.assertTrue(line.startswith("listening on "), line)
            url = line.split("listening on ", 1)[1].strip()
            result = sh(onorder, "submit", "--url", url, "--user", "acme",
                        SAMPLES / "order.json", env=env)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertIn("Accepted", result.stdout)
        finally:
            server.terminate()
            server.wait(timeout=10)
            server.stdout.close()

    # ---- bash ----------------------------------------------------------------------------------

    def complete_bash(self, *words, cwd=None):
        """COMPREPLY of the installed bash completion for `words`, the last being completed."""
        script = (f"source {shlex.quote(str(self.bash_file))}\n"
                  f"COMP_WORDS=({' '.join(shlex.quote(w) for w in words)})\n"
                  f"COMP_CWORD={len(words) - 1}\n"
                  "[[ $(complete -p onorder) == 'complete -F _onorder onorder' ]] || exit 1\n"
                  "_onorder onorder \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\n"
                  "printf '%s\\n' \"${COMPREPLY[@]}\"\n")
        proc = sh("bash", "--norc", "--noprofile", "-c", script, cwd=cwd or self.tmp)
        self.assertEqual((proc.returncode, proc.stderr), (0, ""))
        return [line for line in proc.stdout.splitlines() if line]

    def test_bash_completes_subcommands_options_and_choices(self):
        self.assertEqual(self.complete_bash("onorder", "sub"), ["submit"])
        self.assertEqual(self.complete_bash("onorder", ""), top_level_commands())
        self.assertEqual(self.complete_bash("onorder", "submit", "--out"), ["--output"])
        self.assertEqual(self.complete_bash("onorder", "submit", "--output", ""), ["human", "json"])
        self.assertEqual(self.complete_bash("onorder", "check", "--output", "=", "j"), ["json"])
        self.assertEqual(self.complete_bash("onorder", "validate", "--output-"), ["--output-file"])
        self.assertEqual(self.complete_bash("onorder", "submit", "--url", ""), [])
        self.assertEqual(self.complete_bash("onorder", "check", "--ju"), ["--junit"])
        self.assertNotIn("--ndjson", self.complete_bash("onorder", "check", "--"))

    def test_bash_completes_files_where_a_file_is_taken(self):
        (self.tmp / "orders.ndjson").write_text("")
        (self.tmp / "certs").mkdir()
        self.assertEqual(self.complete_bash("onorder", "submit", "ord"), ["orders.ndjson"])
        # An option's value is not an operand: after `--url X`, files again.
        self.assertEqual(self.complete_bash("onorder", "submit", "--url", "x", "ord"),
                         ["orders.ndjson"])
        self.assertEqual(self.complete_bash("onorder", "submit", "--journal", "o"),
                         ["orders.ndjson"])
        self.assertEqual(self.complete_bash("onorder", "check", "--cacert", "c"), ["certs"])
        self.assertEqual(self.complete_bash("onorder", "check", "--capath", ""), ["certs"])
        self.assertEqual(self.complete_bash("onorder", "template", ""), ["-h", "--help"])

    @unittest.skipUnless(Path("/usr/share/bash-completion/bash_completion").exists(),
                         "bash-completion is not installed")
    def test_bash_completion_finds_the_installed_file_by_itself(self):
        script = ("source /usr/share/bash-completion/bash_completion\n"
                  "__load_completion onorder && complete -p onorder\n")
        proc = sh("bash", "--norc", "--noprofile", "-c", script,
                  env=dict(_CLEAN_ENV, XDG_DATA_DIRS=str(self.usr / "share"),
                           BASH_COMPLETION_USER_DIR=str(self.tmp)))
        self.assertEqual(proc.stdout.strip(), "complete -F _onorder onorder", proc.stderr)

    # ---- zsh -----------------------------------------------------------------------------------

    def complete_zsh(self, line):
        """The command line after typing `line` and a Tab in an interactive zsh."""
        driver = self.tmp / "complete.zsh"
        # The markers are typed split ("[[""[") so that only the shell's output holds them whole.
        driver.write_text(
            "zmodload zsh/zpty\n"
            "zpty -b z 'zsh -f -i'\n"
            "zpty -w z \"PS1='> '; fpath=(${(q)1} \\$fpath); autoload -Uz compinit;"
            " compinit -u -D; onorder() { :; }; print RE''ADY\"\n"
            "zpty -r z out '*READY*'\n"
            "zpty -w -n z \"$2\"$'\\t\\C-a echo \"[[\"\"[\" \\C-e \"]]\"\"]\"\\n'\n"
            "zpty -r z out '*\\]\\]\\]*'\n"
            "print -r -- ${${out##*\\[\\[\\[ }%% \\]\\]\\]*}\n"
            "zpty -d z\n")
        proc = sh("zsh", "-f", driver, self.zsh_dir, line, cwd=self.tmp, timeout=30)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout.replace("\r", "").strip()

    @unittest.skipUnless(shutil.which("zsh"), "zsh is not installed")
    def test_zsh_parses_and_completes(self):
        proc = sh("zsh", "-n", self.zsh_dir / "_onorder")
        self.assertEqual((proc.returncode, proc.stderr), (0, ""))
        (self.tmp / "orders.ndjson").write_text("")
        self.assertEqual(self.complete_zsh("onorder sub"), "onorder submit")
        self.assertEqual(self.complete_zsh("onorder submit --outp"), "onorder submit --output")
        self.assertEqual(self.complete_zsh("onorder submit --output=j"),
                         "onorder submit --output=json")
        self.assertEqual(self.complete_zsh("onorder submit --journal ord"),
                         "onorder submit --journal orders.ndjson")

    # ---- no drift --------------------------------------------------------------------------------

    def test_completions_offer_exactly_what_help_shows(self):
        root_options, commands = help_of()
        self.assertGreater(len(commands), 3)
        self.assertEqual(set(self.complete_bash("onorder", "-")), root_options)
        zsh = (self.zsh_dir / "_onorder").read_text()
        for command in commands:
            with self.subTest(command=command):
                options, _ = help_of(command)
                self.assertIn("--help", options)
                self.assertEqual(set(self.complete_bash("onorder", command, "-")), options)
                body = re.search(rf"^_onorder_{command}\(\) {{\n(.*?)^}}", zsh, re.S | re.M)
                self.assertIsNotNone(body, f"no _onorder_{command} in the zsh completion")
                in_zsh = set(re.findall(r"^\s+'(?:\([^)]*\)|\*)?(-[\w-]+)=?\[", body.group(1),
                                        re.M))
                self.assertEqual(in_zsh, options)
                self.assertIn(f"'{command}:", zsh)


class ManPages(unittest.TestCase):
    @unittest.skipUnless(shutil.which("groff"), "groff is not installed")
    def test_groff_has_no_warning(self):
        for page in PAGES:
            with self.subTest(page=page):
                proc = sh("groff", "-ww", "-man", "-z", SOURCE / "man" / page)
                self.assertEqual((proc.returncode, proc.stderr), (0, ""))


@unittest.skipUnless((BUILD / "CMakeCache.txt").exists(), f"{ONORDER} is not in a CMake build")
class DebianPackage(unittest.TestCase):
    """`cpack -G DEB` of this build, made once for the class in a temporary directory."""

    @classmethod
    def setUpClass(cls):
        if cache_value("ONORDER_SANITIZE") in ("ON", "TRUE", "1"):
            raise unittest.SkipTest("a sanitizer build: the package ships the release build's "
                                    "binaries, not sanitized ones")
        for tool in ("cpack", "dpkg-deb", "dpkg-shlibdeps"):
            if not shutil.which(tool):
                raise unittest.SkipTest(f"{tool} is not installed (scripts/install-deps.sh)")
        cls.dir = Path(tempfile.mkdtemp(prefix="onorder-deb-"))
        proc = sh("cpack", "-G", "DEB", "--config", BUILD / "CPackConfig.cmake", "-B", cls.dir)
        debs = sorted(cls.dir.glob("onorder_*.deb"))
        if proc.returncode != 0 or len(debs) != 1:
            shutil.rmtree(cls.dir, ignore_errors=True)
            raise AssertionError(f"cpack failed:\n{proc.stdout}{proc.stderr}")
        cls.deb = debs[0]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def field(self, name):
        proc = sh("dpkg-deb", "-f", self.deb, name)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        return proc.stdout.strip()

    def test_control_names_the_package_its_version_and_its_dependencies(self):
        version = cache_value("CMAKE_PROJECT_VERSION")
        self.assertEqual(self.deb.name, f"onorder_{version}-1_{self.field('Architecture')}.deb")
        self.assertEqual(self.field("Package"), "onorder")
        self.assertEqual(self.field("Version"), f"{version}-1")
        self.assertEqual(self.field("Section"), "net")
        self.assertRegex(self.field("Maintainer"), r"^[^<>]+ <[^@<>]+@[^@<>]+>$")
        description = self.field("Description").splitlines()
        self.assertGreater(len(description), 2, "a synopsis and an extended description")
        depends = {d.split()[0] for d in self.field("Depends").split(", ")}
        # From dpkg-shlibdeps: what the binaries link, not a hand-written list.
        self.assertLessEqual({"libc6", "libcurl4", "libssl3"}, depends)

    def test_contents_are_the_install_owned_by_root(self):
        listing = sh("dpkg-deb", "-c", self.deb).stdout.splitlines()
        files = {}
        for line in listing:
            mode, owner, _size, _date, _time, path = line.split(None, 5)
            self.assertEqual(owner, "root/root", line)
            if mode.startswith("d"):
                self.assertEqual(mode, "drwxr-xr-x", line)
            else:
                files[path.removeprefix("./usr/")] = mode
        self.assertEqual(set(files), set(INSTALLED))
        for path, mode in INSTALLED.items():
            self.assertEqual(files[path], "-rwxr-xr-x" if mode == 0o755 else "-rw-r--r--", path)

    def test_binaries_are_stripped_and_run(self):
        root = self.dir / "extracted"
        self.assertEqual(sh("dpkg-deb", "-x", self.deb, root).returncode, 0)
        for program in ("onorder", "onorder-mock-sp"):
            with self.subTest(program=program):
                binary = root / "usr/bin" / program
                if shutil.which("readelf"):
                    sections = sh("readelf", "-S", "-W", binary).stdout
                    self.assertNotIn(".symtab", sections)
                    self.assertNotIn(".debug_", sections)
                self.assertEqual(sh(binary, "--help").returncode, 0)

    @unittest.skipUnless(shutil.which("lintian"), "lintian is not installed "
                         "(scripts/install-deps.sh installs it)")
    def test_lintian_finds_no_error(self):
        proc = sh("lintian", "--tag-display-limit", "0", self.deb, timeout=300)
        tags = [line for line in proc.stdout.splitlines() if re.match(r"^[EWIPX]: ", line)]
        errors = [line for line in tags if line.startswith("E: ")]
        self.assertEqual(errors, [], proc.stdout + proc.stderr)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        for line in tags:
            print(line)  # warnings, in the test's output


if __name__ == "__main__":
    unittest.main()
