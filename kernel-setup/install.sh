#!/usr/bin/env bash
# Installs what a user needs to run memokit's notebooks on a fresh machine, and says what it did:
#   1. Jupyter (nbconvert, nbclient, jupyter-client, notebook): Debian packages when apt is
#      available (as root or with sudo), otherwise pip --user;
#   2. memokit's jars (bin/build);
#   3. the Java kernel io.github.padreati:rapaio-jupyter-kernel (from Maven Central, with Maven),
#      and memokit's launcher for it (kernel-setup/src/main/java: it starts the kernel so that it
#      answers its first requests);
#   4. a Jupyter kernel spec "memokit-java": that kernel, with memokit and its dependencies on its
#      class path, the JVM flags memokit's codec needs, and memokit's helpers imported at start.
# Idempotent: run it again after changing memokit to refresh the kernel's class path.
#   kernel-setup/install.sh [--user|--sys-prefix]   (kernel spec location; default --user)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
spec_scope="${1:---user}"
say() { printf 'memokit kernel-setup: %s\n' "$*"; }

# --- 1. Jupyter ---------------------------------------------------------------------------------
# Debian's Jupyter lives in /usr/bin/python3's dist-packages; a pyenv or venv python3 on PATH
# would not see it, so everything below uses the python that has the modules.
packages=(jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel)
has_jupyter() { "$1" -c 'import nbclient, nbconvert, jupyter_client, ipykernel' 2>/dev/null; }
PY=""
for candidate in /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null && has_jupyter "$candidate"; then PY="$(command -v "$candidate")"; break; fi
done
if [ -n "$PY" ]; then
  say "Jupyter already installed ($PY: $("$PY" -m jupyter nbconvert --version 2>/dev/null | head -1) nbconvert)"
elif command -v apt-get >/dev/null; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  say "installing Jupyter from Debian packages: ${packages[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
  PY=/usr/bin/python3
  has_jupyter "$PY" || { say "apt installed the packages, but $PY cannot import them"; exit 1; }
  say "installed Jupyter with apt ($("$PY" -m jupyter nbconvert --version | head -1) nbconvert)"
else
  say "no apt: installing Jupyter with pip --user (notebook nbconvert nbclient jupyter_client ipykernel)"
  python3 -m pip install --user notebook nbconvert nbclient jupyter_client ipykernel
  PY="$(command -v python3)"
  has_jupyter "$PY" || { say "pip installed Jupyter, but $PY cannot import it"; exit 1; }
  say "installed Jupyter with pip"
fi

# --- 2. memokit ---------------------------------------------------------------------------------
"$root/bin/build"
memokit_cp="$(java -jar "$root/toolkit/target/memokit.jar" classpath)"
read -r -a flags <<< "$(java -jar "$root/toolkit/target/memokit.jar" flags)"
say "memokit class path: $memokit_cp"

# --- 3. the Java kernel, with Maven, and memokit's launcher for it ------------------------------
mvn -q -B -f "$root/kernel-setup/pom.xml" package
kernel_jar="$(ls "$root"/kernel-setup/target/kernel/rapaio-jupyter-kernel-*.jar | head -1)"
launcher_jar="$root/kernel-setup/target/memokit-kernel-launcher.jar"
say "Java kernel: $kernel_jar, started by $launcher_jar"

# --- 4. the kernel spec --------------------------------------------------------------------------
java_bin="$(command -v java)"
java_bin="$(readlink -f "$java_bin")"
spec="$(mktemp -d)/memokit-java"
mkdir -p "$spec"
"$PY" - "$spec/kernel.json" "$java_bin" "$launcher_jar:$kernel_jar:$memokit_cp" "$memokit_cp" "$root/kernel-setup/memokit-init.jshell" "${flags[@]}" <<'PYEOF'
import json, sys
out, java, kernel_cp, memokit_cp, init, *flags = sys.argv[1:]
spec = {
    # The kernel runs notebook code in its own JVM (JShell with direct execution): memokit's jars
    # go on that JVM's class path (so the kernel's display service finds memokit's HTML renderers)
    # and in RJK_CLASSPATH (so JShell compiles against them); FST's --add-opens flags go on it too.
    # memokit's launcher starts the kernel instead of its MainApp, so that it answers its first
    # requests (kernel-setup/src/main/java/io/memokit/kernel/KernelLauncher.java says why).
    "argv": [java, *flags, "-cp", kernel_cp, "io.memokit.kernel.KernelLauncher", "{connection_file}"],
    "display_name": "Java (memokit)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {
        "RJK_CLASSPATH": memokit_cp,
        "RJK_INIT_SCRIPT": init,
        "RJK_COMPILER_OPTIONS": "",
        "RJK_TIMEOUT_MILLIS": "-1",
    },
}
with open(out, "w") as f:
    json.dump(spec, f, indent=2)
PYEOF
"$PY" -m jupyter kernelspec install --replace "$spec_scope" --name memokit-java "$spec" >/dev/null 2>&1 \
  || "$PY" -m jupyter kernelspec install --replace "$spec_scope" "$spec"
rm -rf "$(dirname "$spec")"
say "kernel spec memokit-java installed ($spec_scope):"
"$PY" -m jupyter kernelspec list | grep memokit-java
say "done. Open the notebooks with:  $PY -m jupyter notebook notebooks/"
